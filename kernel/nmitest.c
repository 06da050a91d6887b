/* nmitest.c - NMIs in every state they can land in (nmitest.h). */
#include "nmitest.h"
#include "arch/x86.h"
#include "console.h"
#include "cpu.h"
#include "errno.h"
#include "ktest.h"
#include "percpu.h"
#include "smp.h"
#include "trap.h"
#include "slotgate/utest.h"

#define PHASE_SECONDS 30 /* a phase that gets no NMIs gives up after this */

static bool enabled;
static u64 deadline; /* TSC */

static bool expired(void) { return rdtsc() > deadline; }

static u64 sum_over_cpus(unsigned state)
{
	u64 n = 0;
	for (unsigned i = 0; i < smp_cpus_online(); i++)
		n += __atomic_load_n(&smp_cpu(i)->counters.nmis[state], __ATOMIC_RELAXED);
	return n;
}

/* Spin until this CPU has counted NMI_TEST_WANT more NMIs in @state, or
 * the deadline.  With @user_gs, the spin runs with the user's GS base
 * live (SWAPGS), as ring 0 does between SYSCALL and its SWAPGS: no
 * this_cpu() in the loop (the counter is reached through a pointer taken
 * before), interrupts off (an ordinary interrupt would decide by CS and
 * find the wrong GS; only NMIs take the paranoid entry). */
static i64 spin_for_nmis(unsigned state, bool user_gs)
{
	volatile u64 *count = &this_cpu()->counters.nmis[state];
	u64 start = *count, end = deadline;
	u64 flags = irq_save();
	if (user_gs)
		__asm__ volatile("swapgs" ::: "memory");
	while (*count < start + NMI_TEST_WANT && rdtsc() < end)
		pause();
	if (user_gs)
		__asm__ volatile("swapgs" ::: "memory");
	irq_restore(flags);
	u64 got = *count - start;
	return got >= NMI_TEST_WANT ? (i64)got : -E_BUSY;
}

i64 nmi_test_syscall(u64 op)
{
	if (!enabled)
		return -E_NOSYS;
	switch (op) {
	case 0:
		return expired() ? -E_BUSY : (i64)sum_over_cpus(NMI_USER);
	case 1:
		return spin_for_nmis(NMI_KERNEL, false);
	case 2:
		return spin_for_nmis(NMI_KERNEL_USER_GS, true);
	case 3:
		/* The finale: a machine check injected (QEMU's monitor `mce`)
		 * into the same window.  machine_check() reports it and stops
		 * the kernel, so this returns only when none came. */
		kprintf("nmi: ready mce on cpu %u\n", this_cpu()->id);
		spin_for_nmis(NMI_KERNEL_USER_GS, true);
		return -E_BUSY;
	default:
		return -E_INVAL;
	}
}

struct phase {
	const char *name;
	u64 action;     /* utest's */
	unsigned state; /* where the NMIs must land */
};

static const struct phase phases[] = {
	{"nmi_in_ring3", UTEST_NMI_RING3, NMI_USER},
	{"nmi_in_syscall", UTEST_NMI_SYSCALL, NMI_KERNEL},
	{"nmi_in_syscall_with_user_gs", UTEST_NMI_USER_GS, NMI_KERNEL_USER_GS},
};

int nmi_test_run(void)
{
	const unsigned n = sizeof(phases) / sizeof(phases[0]);
	int failed = 0;
	enabled = true;
	kprintf("KTAP version 1\n1..%u\n", n);
	for (unsigned i = 0; i < n; i++) {
		const struct phase *p = &phases[i];
		u64 before = sum_over_cpus(p->state);
		deadline = rdtsc() + cpu_features.tsc_hz * PHASE_SECONDS;
		kprintf("nmi: ready %s\n", p->name);
		i64 r = ktest_run_app("utest", p->action, 0);
		u64 got = sum_over_cpus(p->state) - before;
		bool ok = r >= NMI_TEST_WANT && got >= NMI_TEST_WANT;
		failed += !ok;
		kprintf("%sok %u %s # program %ld, %lu NMIs in %s\n", ok ? "" : "not ",
			i + 1, p->name, r, got,
			p->state == NMI_USER ? "ring 3" : p->state == NMI_KERNEL
			? "ring 0" : "ring 0 with the user's GS");
	}
	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		const struct cpu_counters *c = &smp_cpu(i)->counters;
		kprintf("nmi: cpu %u: %lu in ring 3, %lu in ring 0, %lu in ring 0 "
			"with the user's GS\n", i, c->nmis[NMI_USER], c->nmis[NMI_KERNEL],
			c->nmis[NMI_KERNEL_USER_GS]);
	}
	/* Last, a machine check (CR4.MCE on: reported, not a shutdown) in
	 * ring 0 with the user's GS live; it stops the kernel. */
	deadline = rdtsc() + cpu_features.tsc_hz * PHASE_SECONDS;
	i64 r = ktest_run_app("utest", UTEST_NMI_MCE, 0);
	kprintf("nmi: no machine check arrived (%ld)\n", r);
	enabled = false;
	return failed + 1;
}
