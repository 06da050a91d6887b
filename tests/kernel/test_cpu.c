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

/* A LAPIC left with an interrupt in service - as firmware may hand one
 * over - holds back every vector of its priority class and below (SDM 3A
 * §11.8.3.1, §11.8.4), the timer's among them; lapic_init() EOIs until
 * no ISR bit is left (§11.8.5).  A vector in the masked PICs' range is
 * taken without an EOI (trap_dispatch treats it as spurious), so a
 * self-IPI there leaves exactly such a bit. */
KTEST(lapic_stuck_in_service_bit_is_cleared)
{
	const u8 vec = VEC_PIC_BASE; /* class 3, above the timer's 2 */
	KT_EXPECT(!lapic_in_service(vec));
	KT_EXPECT(lapic_send_ipi(lapic_id(), vec));
	sti();
	for (int i = 0; i < 100000 && !lapic_in_service(vec); i++)
		pause();
	cli();
	KT_EXPECT(lapic_in_service(vec));
	/* While it is set no tick arrives, however long one waits: 25 ms
	 * here, two and a half tick periods. */
	u64 ticks = lapic_ticks();
	sti();
	cpu_delay_us(25000);
	cli();
	KT_EXPECT_EQ(lapic_ticks(), ticks);
	KT_EXPECT_EQ(lapic_clear_in_service(), 1);
	KT_EXPECT(!lapic_in_service(vec));
	for (int i = 0; i < 1000 && lapic_ticks() < ticks + 2; i++)
		kernel_wait(); /* bounded: a dead timer fails, not hangs */
	cli();
	KT_EXPECT(lapic_ticks() >= ticks + 2);
}
