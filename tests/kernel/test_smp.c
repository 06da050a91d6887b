/*
 * test_smp.c - the other CPUs (issue 13): every CPU the MADT lists is
 * running, in its own world, and answers cross-calls.  With one CPU
 * (SMP=1) the per-AP checks have nothing to check; the runner holds the
 * count to the emulator's CPU count (tests/ktap_runner.py, cpus=N).
 */
#include "arch/x86.h"
#include "errno.h"
#include "flush.h"
#include "ktest.h"
#include "lapic.h"
#include "percpu.h"
#include "smp.h"
#include "vm.h"

/* What a CPU reports about itself, from inside a cross-call. */
struct whoami {
	struct cpu *cpu;
	u32 apic_id;
	u64 cr3, cr4, efer, gs_base, rflags;
	u64 calls;
};

static void report(void *arg)
{
	struct whoami *w = arg;
	w->cpu = this_cpu();
	w->apic_id = lapic_id();
	w->cr3 = read_cr3();
	w->cr4 = read_cr4();
	w->efer = rdmsr(MSR_EFER);
	w->gs_base = rdmsr(MSR_GS_BASE);
	w->rflags = read_rflags();
	w->calls++;
}

KTEST(smp_all_cpus_up)
{
	KT_EXPECT(smp_cpus_found() >= 1);
	KT_EXPECT_EQ(smp_cpus_online(), smp_cpus_found());
	KT_EXPECT(smp_cpu(0) == this_cpu());
	KT_EXPECT(smp_cpu(smp_cpus_online()) == NULL);
	for (unsigned i = 1; i < smp_cpus_online(); i++) {
		struct cpu *c = smp_cpu(i);
		struct whoami w = {0};
		KT_EXPECT_EQ(smp_call(c, report, &w), 0);
		KT_EXPECT(w.cpu == c);
		KT_EXPECT_EQ(c->id, i);
		KT_EXPECT_EQ(w.apic_id, c->apic_id);
		KT_EXPECT(w.apic_id != this_cpu()->apic_id);
		KT_EXPECT_EQ(w.gs_base, (u64)c);
		/* Its own PML4, not the BSP's; the same protection as the BSP. */
		KT_EXPECT_EQ(w.cr3 & PTE_ADDR, c->pml4_phys);
		KT_EXPECT(c->pml4_phys != this_cpu()->pml4_phys);
		KT_EXPECT_EQ(w.cr4 & (CR4_PGE | CR4_SMEP | CR4_SMAP | CR4_PCIDE),
			     read_cr4() & (CR4_PGE | CR4_SMEP | CR4_SMAP | CR4_PCIDE));
		KT_EXPECT_EQ(w.efer & (EFER_NXE | EFER_SCE), rdmsr(MSR_EFER) & (EFER_NXE | EFER_SCE));
		KT_EXPECT(!(w.rflags & RFLAGS_IF)); /* runs in its IPI handler */
		/* Its PML4 shows the kernel's upper half and nothing below. */
		const u64 *pml4 = c->pml4;
		unsigned low = 0;
		for (unsigned e = 0; e < KERNEL_FIRST_PML4; e++)
			low += pml4[e] != 0;
		KT_EXPECT_EQ(low, 0);
		KT_EXPECT_EQ(pml4[511], this_cpu()->pml4[511]);
	}
}

KTEST(smp_call_refuses_self_and_strangers)
{
	struct whoami w = {0};
	KT_EXPECT_EQ(smp_call(this_cpu(), report, &w), -E_INVAL);
	KT_EXPECT_EQ(smp_call(NULL, report, &w), -E_INVAL);
	static struct cpu fake; /* not a running CPU, whatever its id */
	fake.self = &fake;
	fake.id = 1;
	KT_EXPECT_EQ(smp_call(&fake, report, &w), -E_INVAL);
	KT_EXPECT_EQ(w.calls, 0);
}

KTEST(smp_calls_repeat)
{
	/* Many calls to every AP, back to back: none lost, none doubled. */
	for (unsigned i = 1; i < smp_cpus_online(); i++) {
		struct whoami w = {0};
		for (int n = 0; n < 1000; n++)
			if (smp_call(smp_cpu(i), report, &w) != 0)
				break;
		KT_EXPECT_EQ(w.calls, 1000);
	}
}
