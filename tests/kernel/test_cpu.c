/*
 * test_cpu.c - per-CPU state, the timer, the TSC rate and the boot-time
 * page-table promises (identity map gone, kernel image W^X), the LAPIC's
 * NMI pins.
 */
#include "acpi.h"
#include "arch/x86.h"
#include "bkl.h"
#include "bootinfo.h"
#include "console.h"
#include "coreclock.h"
#include "cpu.h"
#include "fbcon.h"
#include "kstring.h"
#include "kpt.h"
#include "kstring.h"
#include "ktest.h"
#include "lapic.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmu.h"
#include "smp.h"
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

/* The core clock (coreclock.h) is used exactly when CPUID claims it and
 * the probe found it counting, and then two samples around a busy loop
 * give a figure; otherwise samples are invalid and give none.  No
 * emulator here has APERF/MPERF: there the second half runs on a PC. */
KTEST(core_clock_follows_the_probe)
{
	const struct cpu_features *f = &cpu_features;
	struct coreclock_sample a, b;
	struct coreclock_ratio r;

	KT_EXPECT(f->core_clock_note != NULL);
	KT_EXPECT(!f->core_clock || f->aperfmperf);
	cpu_core_clock_sample(&a);
	for (u64 t = rdtsc(); rdtsc() - t < 100000;)
		pause();
	cpu_core_clock_sample(&b);
	KT_EXPECT_EQ(a.valid, f->core_clock);
	KT_EXPECT_EQ(coreclock_ratio(&a, &b, &r), f->core_clock);
	if (f->core_clock) {
		KT_EXPECT(r.aperf > 0 && r.mperf > 0);
		KT_EXPECT(strcmp(f->core_clock_note, "aperf/mperf") == 0);
	} else {
		KT_EXPECT(strncmp(f->core_clock_note, "none: ", 6) == 0);
	}
}

/* The probe itself, run whatever CPUID says: on a CPU without the pair
 * it must come back with a reason - QEMU's TCG reads 0 for an MSR it does
 * not know; Bochs claims the pair in CPUID but its counters stand still -
 * and the kernel must go on.  Where CPUID does claim them it must agree
 * with the boot's probe. */
KTEST(core_clock_probe_refuses_missing_msrs)
{
	const char *why = cpu_core_clock_try();
	kprintf("# core clock probe: %s\n", why ? why : "counting");
	if (!cpu_features.aperfmperf)
		KT_EXPECT(why != NULL);
	else
		KT_EXPECT_EQ(why == NULL, cpu_features.core_clock);
}

/* The PMU (pmu.h) is read exactly when the boot's probe found it
 * counting: then two samples around a spin give an instruction count of
 * at least the spin's; otherwise samples are invalid and the note says
 * why.  No emulator here has counters that count. */
KTEST(pmu_follows_the_probe)
{
	const struct pmu_event_set *set = pmu_events();
	struct pmu_sample a, b;
	u64 d = 0;

	pmu_sample(&a);
	for (volatile u32 n = 0; n < 10000; n = n + 1)
		;
	pmu_sample(&b);
	KT_EXPECT_EQ(a.valid, set != NULL);
	KT_EXPECT_EQ(pmu_delta_of(&a, &b, 0, &d), set != NULL);
	if (set)
		KT_EXPECT(d >= 10000);
	else
		KT_EXPECT(strncmp(pmu_note(), "none: ", 6) == 0);
	KT_EXPECT(!pmu_delta_of(&a, &b, PMU_MAX_EVENTS, &d));
}

/* The probe itself, forced in each MSR layout: on a CPU whose counters
 * are known not to work - QEMU's TCG has none (it reads zeros), and
 * Bochs's Skylake enumerates architectural perfmon in CPUID.0AH but its
 * counters stand still, as the boot's probe found - it must answer why
 * in every layout, and the kernel go on (both emulators read zeros
 * there rather than fault).
 * Elsewhere it only runs.  Skipped while the bench's counters run: the
 * probe stops what it programmed. */
KTEST(pmu_probe_refuses_counters_that_do_not_count)
{
	static const struct pmu_event_set set = {
		"test", 2, {{"instructions", 0xc0, 0x00}, {"itlb_walks", 0x85, 0x0e}}};
	static const char *const names[] = {"intel", "amd-legacy", "amd-ext"};
	const char *note = pmu_note();
	bool dead = strcmp(cpu_features.hypervisor, "TCGTCGTCGTCG") == 0 ||
		    strcmp(note, "none: the counters do not count") == 0 ||
		    strcmp(note, "none: a performance-counter MSR faults") == 0;

	if (pmu_events()) {
		ktest_skip("the counters run for the bench");
		return;
	}
	for (unsigned l = PMU_INTEL; l <= PMU_AMD_EXT; l++) {
		const char *why = pmu_try((enum pmu_layout)l, &set);
		kprintf("# pmu probe, %s layout: %s\n", names[l], why ? why : "counting");
		if (dead)
			KT_EXPECT(why != NULL);
	}
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

/* What the kernel prints also lands on the screen the boot offers: the
 * VGA text screen under BIOS, drawn glyph by glyph on the framebuffer
 * under UEFI.  Every boot make check runs has one. */
KTEST(screen_mirrors_console)
{
	const char *want = "SLOTGATE-SCREEN";
	struct fbcon *c = screen_fbcon();
	unsigned row, col;

	kprintf("    # screen check: %s\n", want);
	switch (screen_kind()) {
	case SCREEN_VGA_TEXT:
		KT_EXPECT(boot_info.has_fb && boot_info.fb.type == MB2_FB_EGA_TEXT);
		KT_EXPECT(vga_find(want));
		break;
	case SCREEN_FRAMEBUFFER:
		KT_EXPECT(boot_info.has_fb && boot_info.fb.type == MB2_FB_RGB);
		KT_EXPECT(fbcon_find(c, want, &row, &col));
		for (unsigned k = 0; k < strlen(want); k++)
			KT_EXPECT(fbcon_cell_drawn(c, row, col + k));
		break;
	default:
		KT_EXPECT(screen_kind() != SCREEN_NONE);
		break;
	}
}

/* Whether a memory-map entry of RAM covers physical @pa. */
static bool is_ram_at(u64 pa)
{
	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mb2_mmap_entry *e = &boot_info.mmap[i];
		if (e->type == MB2_MEM_AVAILABLE && pa >= e->base && pa - e->base < e->length)
			return true;
	}
	return false;
}

/* Without text mode (UEFI) the VGA text buffer is not even mapped, so no
 * write to 0xb8000 can have happened: a UEFI PC need not have VGA there. */
KTEST(screen_without_text_mode_leaves_0xb8000_alone)
{
	struct vm_mapping m;

	if (screen_kind() == SCREEN_VGA_TEXT) {
		ktest_skip("the boot gave VGA text mode");
		return;
	}
	if (is_ram_at(0xb8000)) {
		ktest_skip("0xb8000 is RAM here");
		return;
	}
	KT_EXPECT(!vm_query(kernel_pml4, DIRECT_MAP_BASE + 0xb8000, &m));
}

/* PAT entry 1 is write-combining (cpu.c) wherever the CPU has a PAT, and
 * the framebuffer, when there is one, is mapped through it: PWT alone,
 * never executable. */
KTEST(screen_framebuffer_write_combining)
{
	struct vm_mapping m;

	if (cpu_features.pat)
		KT_EXPECT_EQ(rdmsr(MSR_PAT), PAT_WITH_WC_AT_1);
	if (!screen_fbcon()) {
		ktest_skip("no framebuffer console in this boot");
		return;
	}
	KT_EXPECT(cpu_features.pat);
	KT_EXPECT(vm_query(kernel_pml4, FB_VIRT_BASE, &m));
	KT_EXPECT_EQ(m.flags & (PTE_PWT | PTE_PCD), PTE_PWT);
	KT_EXPECT(m.flags & PTE_NX);
	KT_EXPECT(m.flags & PTE_RW);
	KT_EXPECT(!(m.flags & PTE_US));
	KT_EXPECT_EQ(m.pa & ~(PAGE_SIZE - 1), boot_info.fb.addr & ~(PAGE_SIZE - 1));
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

/* The LVT LINT fields lapic.c sets (SDM 3A §11.5.1, Figure 11-8): mask
 * bit 16, delivery mode bits 10:8 (100 = NMI), input pin polarity bit 13
 * (1 = active low), trigger mode bit 15 (0 = edge). */
#define LVT_MASK (1u << 16)
#define LVT_DELIVERY_MODE (7u << 8)
#define LVT_DELIVERY_NMI (4u << 8)
#define LVT_ACTIVE_LOW (1u << 13)
#define LVT_LEVEL (1u << 15)

struct lint_state {
	u32 apic_id;
	u32 lvt[2];
};

static void read_lints(void *arg)
{
	struct lint_state *s = arg;
	s->apic_id = lapic_id();
	s->lvt[0] = lapic_lvt_lint(0);
	s->lvt[1] = lapic_lvt_lint(1);
}

/* Every online CPU's LINT0 and LINT1 as the MADT's NMI entries for its
 * ACPI UID say (acpi_nmi_pins(), by APIC ID in the MADT's CPU list): NMI
 * delivery, edge, the named polarity, on each pin named; masked on any
 * other.  QEMU's MADT names LINT1 for all processors (a type-4 entry,
 * UID 0xFF), so there the answer must come from the MADT; Bochs's BIOS
 * may list none, and then it is the convention, LINT1: the case says
 * which it saw. */
KTEST(lapic_nmi_pins_as_the_madt_says)
{
	const struct acpi_info *info = smp_acpi_info();
	u32 r[4];
	cpuid(1, 0, r);
	bool qemu = r[2] >> 31; /* CPUID's hypervisor bit: QEMU sets it, Bochs not */

	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		struct lint_state s = {0};
		if (i == 0)
			read_lints(&s);
		else
			KT_EXPECT_EQ(smp_call(smp_cpu(i), read_lints, &s), 0);
		KT_EXPECT_EQ(s.apic_id, smp_cpu(i)->apic_id);
		struct acpi_nmi_pins p =
			acpi_nmi_pins(info, acpi_cpu_by_apic_id(info, s.apic_id));
		for (unsigned pin = 0; pin < 2; pin++) {
			u32 lvt = s.lvt[pin];
			u32 fields = LVT_MASK | LVT_DELIVERY_MODE | LVT_ACTIVE_LOW | LVT_LEVEL;
			if (!(p.lint & (1u << pin)))
				KT_EXPECT(lvt & LVT_MASK);
			else
				KT_EXPECT_EQ(lvt & fields,
					     LVT_DELIVERY_NMI |
						     (p.active_low & (1u << pin) ? LVT_ACTIVE_LOW : 0));
		}
		kprintf("    # cpu apic %u: NMI pins %x (bit n: LINTn), active low %x, "
			"from %s; LVT LINT0 %x, LINT1 %x\n",
			s.apic_id, p.lint, p.active_low,
			p.from_madt ? "the MADT" : "the MP convention", s.lvt[0], s.lvt[1]);
		if (qemu) {
			KT_EXPECT(p.from_madt);
			KT_EXPECT_EQ(p.lint, 2u); /* LINT1, where the monitor's nmi lands */
			KT_EXPECT_EQ(p.active_low, 0);
		}
	}
	if (qemu)
		KT_EXPECT(info != NULL);
}
