/*
 * test_cpu.c - per-CPU state, the timer, the TSC rate and the boot-time
 * page-table promises (identity map gone, kernel image W^X).
 */
#include "arch/x86.h"
#include "bkl.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "kpt.h"
#include "kstring.h"
#include "ktest.h"
#include "lapic.h"
#include "memlayout.h"
#include "percpu.h"
#include "trap.h"
#include "vm.h"

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

KTEST(percpu_reached_through_gs)
{
	struct cpu *c = this_cpu();
	KT_EXPECT(c != NULL);
	KT_EXPECT(c->self == c);
	KT_EXPECT_EQ(rdmsr(MSR_GS_BASE), (u64)c);
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, c->pml4_phys);
}

/* boot.asm: NX is required and on, and on Intel the firmware's "XD Bit
 * Disable" (IA32_MISC_ENABLE bit 34) has been cleared. */
KTEST(cpu_nx_enabled)
{
	KT_EXPECT(cpu_features.nx);
	KT_EXPECT(rdmsr(MSR_EFER) & EFER_NXE);
	if (strcmp(cpu_features.vendor, "GenuineIntel") == 0)
		KT_EXPECT_EQ(rdmsr(MSR_MISC_ENABLE) & MISC_ENABLE_XD_DISABLE, 0);
}

KTEST(timer_interrupts_arrive)
{
	u64 start = lapic_ticks();
	/* The timer runs from boot.  Each HLT ends at the next interrupt; the
	 * bound only stops a dead timer from hanging the suite (timing never
	 * decides the verdict). */
	for (int i = 0; i < 1000 && lapic_ticks() < start + 3; i++)
		kernel_wait();
	cli();
	KT_EXPECT(lapic_ticks() >= start + 3);
}

KTEST(tsc_rate_known)
{
	KT_EXPECT(cpu_features.tsc_hz > 1000000);
	KT_EXPECT(cpu_features.tsc_source != NULL);
	/* It advances (Bochs with several CPUs may return one value twice:
	 * its clock moves once all CPUs have run their quantum). */
	u64 a = rdtsc(), b = a;
	for (unsigned i = 0; i < 1000000 && b == a; i++)
		b = rdtsc();
	KT_EXPECT(b > a);
}

static void read_at(void *p) { (void)*(volatile u64 *)p; }

KTEST(identity_map_dropped)
{
	struct fault_info f;
	struct vm_mapping m;
	/* The kernel was loaded at 1 MiB physical: no longer visible there. */
	KT_EXPECT(!vm_query(this_cpu()->pml4, 0x100000, &m));
	KT_EXPECT_EQ(trap_catch(read_at, (void *)0x100000, &f), VEC_PF);
}

KTEST(kernel_image_w_xor_x)
{
	struct vm_mapping m;
	const u64 *pml4 = this_cpu()->pml4;

	KT_EXPECT(vm_query(pml4, (u64)__kernel_start, &m));
	KT_EXPECT_EQ(m.flags & (VM_WRITE | VM_NX | VM_USER), 0);
	KT_EXPECT(vm_query(pml4, (u64)__text_end, &m));
	KT_EXPECT_EQ(m.flags & (VM_WRITE | VM_NX | VM_USER), VM_NX);
	KT_EXPECT(vm_query(pml4, (u64)__kernel_end - 1, &m));
	KT_EXPECT_EQ(m.flags & (VM_WRITE | VM_NX | VM_USER), VM_WRITE | VM_NX);
	KT_EXPECT(m.flags & VM_GLOBAL);
}

KTEST(boot_modules_found)
{
	const void *data;
	size_t size;
	KT_EXPECT(module_find("utest", &data, &size));
	KT_EXPECT(size > 64);
	KT_EXPECT(!module_find("no-such-module", &data, &size));
	char mode[8];
	KT_EXPECT(cmdline_get("mode", mode, sizeof(mode)));
}

KTEST(vga_mirrors_console)
{
	/* What the kernel prints also lands on the VGA text screen. */
	kprintf("    # vga check: SLOTGATE-VGA\n");
	const volatile u16 *screen = phys_to_virt(0xb8000);
	bool found = false;
	for (unsigned i = 0; i + 12 < 80 * 25 && !found; i++) {
		const char *want = "SLOTGATE-VGA";
		unsigned k = 0;
		while (k < 12 && (char)(screen[i + k] & 0xff) == want[k])
			k++;
		found = k == 12;
	}
	KT_EXPECT(found);
}
