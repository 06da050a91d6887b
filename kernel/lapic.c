/* lapic.c - the local APIC in xAPIC or x2APIC mode: enable, timer, IPIs,
 * EOI (SDM 3A ch. 11). */
#include "lapic.h"
#include "acpi.h"
#include "arch/x86.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "gate.h"
#include "thread.h"
#include "kernel.h"
#include "memlayout.h"
#include "percpu.h"
#include "pit.h"
#include "pmtimer.h"
#include "smp.h"
#include "trap.h"
#include "vm.h"

/* Register offsets in the xAPIC page (SDM 3A Table 11-1). */
#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_ISR 0x100 /* 8 registers, 0x100 .. 0x170, 32 vectors each */
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_NMI (4u << 8) /* delivery mode NMI (SDM 3A §11.5.1) */
#define LVT_ACTIVE_LOW (1u << 13) /* LINT0/1: input pin polarity, 1 = low */
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode (SDM 3A §11.12.1) */
#define APIC_BASE_ENABLE (1ull << 11)
#define ICR_PENDING (1u << 12)      /* delivery status: send pending */
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
/* x2APIC: register at xAPIC offset X is MSR 0x800 + X / 16; the ICR is
 * one 64-bit MSR, 0x830, destination in bits 63:32 (SDM 3A §11.12.1.2,
 * Table 11-6; §11.12.9). */
#define X2APIC_MSR(reg) (0x800u + (reg) / 16)
#define X2APIC_ICR 0x830u

extern u64 *kernel_pml4;
static volatile u32 *lapic;
static bool x2apic;     /* every CPU runs in the BSP's mode */
static u32 timer_count; /* initial count for LAPIC_TIMER_HZ at divide 16 */
static struct acpi_nmi_pins bsp_nmi; /* an AP wired otherwise says so */

/* In x2APIC mode the xAPIC page no longer reaches the LAPIC (SDM 3A
 * §11.12.1.2): the MSRs are the only way in, and they #GP in xAPIC
 * mode in turn. */
static u32 rd(u32 reg)
{
	return x2apic ? (u32)rdmsr(X2APIC_MSR(reg)) : lapic[reg / 4];
}

static void wr(u32 reg, u32 v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		lapic[reg / 4] = v;
}

bool lapic_x2apic(void) { return x2apic; }

static void timer_tick(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();
	cpu->counters.timer_ticks++;
	nmi_log(cpu); /* NMIs are counted where they land, logged here */
	gate_watchdog(f); /* may unwind a driver that ran too long */
	thread_preempt(); /* round robin: one tick per slice */
}

/* EOI until no in-service bit is left; returns how many it took.
 *
 * Firmware (or a kexec'ing kernel) may hand over with an interrupt still
 * in service: an ISR bit set whose EOI never came.  The processor
 * priority is the higher of the TPR and the highest in-service vector's
 * class (SDM 3A §11.8.3.1), and only a vector of a higher class than the
 * PPR is delivered (§11.8.4), so that bit would hold back the timer
 * (vector 0x20, class 2) and every vector of its class or below for
 * ever.  Each EOI clears the highest-priority ISR bit (§11.8.5); there
 * are at most 256, so 256 EOIs are the bound (a LAPIC that still shows
 * one after them is broken, and said so). */
unsigned lapic_clear_in_service(void)
{
	for (unsigned eois = 0; eois <= 256; eois++) {
		bool any = false;
		for (u32 i = 0; i < 8; i++)
			any |= rd(REG_ISR + i * 0x10) != 0;
		if (!any)
			return eois;
		if (eois < 256)
			wr(REG_EOI, 0);
	}
	kprintf("lapic: in-service bits still set after 256 EOIs\n");
	return 256;
}

bool lapic_in_service(u8 vector)
{
	return rd(REG_ISR + (vector / 32u) * 0x10) & (1u << (vector % 32));
}

/* The LVT entry of LINT@pin for @nmi: NMI delivery where the MADT (or
 * the convention) names the pin, with its polarity (SDM 3A §11.5.1,
 * Figure 11-8: bit 13, 1 = active low); the trigger-mode bit stays 0,
 * NMI delivery being edge-sensitive whatever it says.  Any other pin
 * masked. */
static u32 lint_lvt(struct acpi_nmi_pins nmi, unsigned pin)
{
	if (!(nmi.lint & (1u << pin)))
		return LVT_MASKED;
	return LVT_NMI | (nmi.active_low & (1u << pin) ? LVT_ACTIVE_LOW : 0);
}

/* Where NMIs reach this CPU: the MADT's NMI entries for its ACPI UID,
 * found by APIC ID in the MADT's CPU list (acpi.h's rules). */
static struct acpi_nmi_pins nmi_pins(void)
{
	const struct acpi_info *info = smp_acpi_info();
	return acpi_nmi_pins(info, acpi_cpu_by_apic_id(info, lapic_id()));
}

u32 lapic_lvt_lint(unsigned pin)
{
	BUG_ON(pin > 1);
	return rd(pin ? REG_LVT_LINT1 : REG_LVT_LINT0);
}

/* Enable this CPU's LAPIC: spurious vector 0xff, errors masked, NMIs
 * delivered on the LINT pin(s) the MADT names for this CPU and the other
 * masked, every priority accepted (TPR 0: firmware may leave it raised),
 * no interrupt left in service.  Returns the NMI pins it programmed.
 *
 * The MADT's Local APIC NMI and Local x2APIC NMI entries (ACPI 6.5
 * §5.2.12.7, §5.2.12.13) say per board where the chipset's NMI is wired;
 * where they name none for this CPU, LINT1, as the MP specification's
 * convention has it (QEMU's monitor `nmi` arrives there too, and QEMU's
 * MADT says so).  Masked, no NMI - a watchdog's, a front-panel button's,
 * a hypervisor's - would ever be seen.  LINT0 is, by the same
 * convention, the 8259's ExtINT, which we do not use (main.c masks the
 * PICs): masked unless the MADT names it for NMIs. */
static struct acpi_nmi_pins enable_this_cpu(void)
{
	struct acpi_nmi_pins nmi = nmi_pins();

	wr(REG_TPR, 0);
	wr(REG_SVR, 0x100 | 0xff); /* software enable, spurious vector 0xff */
	wr(REG_LVT_LINT0, lint_lvt(nmi, 0));
	wr(REG_LVT_LINT1, lint_lvt(nmi, 1));
	wr(REG_LVT_ERROR, LVT_MASKED);
	unsigned eois = lapic_clear_in_service();
	if (eois)
		kprintf("lapic: %u interrupt(s) left in service by firmware: EOI'd\n", eois);
	return nmi;
}

/* "lapic: NMI on LINT1 (MADT)": where NMIs reach this CPU, and whence
 * the answer; @ap: an AP wired otherwise than the BSP, named. */
static void print_nmi_pins(struct acpi_nmi_pins nmi, bool ap)
{
	static const char *const pins[] = {"no pin", "LINT0", "LINT1", "LINT0 and LINT1"};
	static const char *const low[] = {"", ", LINT0 active low", ", LINT1 active low",
					  ", both active low"};
	const struct acpi_info *info = smp_acpi_info();
	const char *why = nmi.from_madt ? "MADT"
			  : !info	? "MP convention: no MADT"
			  : info->nnmis ? "MP convention: the MADT names none for this CPU"
					: "MP convention: the MADT names none";
	char who[24] = "";
	if (ap)
		ksnprintf(who, sizeof(who), "cpu apic %u: ", lapic_id());
	kprintf("lapic: %sNMI on %s%s (%s)\n", who, pins[nmi.lint & 3],
		low[nmi.active_low & 3], why);
}

/* Put this CPU's LAPIC in the mode @want_x2apic says, from whatever
 * state firmware left it in (SDM 3A §11.12.5, Figure 11-27): xAPIC ->
 * x2APIC sets EXTD with EN set, in one write; x2APIC -> xAPIC only
 * through disabled (EN = EXTD = 0), then EN. */
static void set_mode(bool want_x2apic)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	bool is_x2 = (base & APIC_BASE_EXTD) && (base & APIC_BASE_ENABLE);
	if (want_x2apic && !is_x2) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_EXTD);
	} else if (!want_x2apic && is_x2) {
		wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_ENABLE | APIC_BASE_EXTD));
		wrmsr(MSR_APIC_BASE, (base & ~APIC_BASE_EXTD) | APIC_BASE_ENABLE);
	} else {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	}
}

void lapic_firmware_x2apic(void)
{
	char v[4];
	if (!cmdline_get("fw_x2apic", v, sizeof(v)) || v[0] != '1')
		return;
	if (!cpu_features.x2apic) {
		kprintf("lapic: fw_x2apic=1 but the CPU has no x2APIC: left in xAPIC mode\n");
		return;
	}
	set_mode(true);
	kprintf("lapic: x2APIC enabled before the LAPIC set-up (fw_x2apic=1), "
		"as firmware may hand over\n");
}

/* Start the timer masked, one-shot, from the top, at divide 16. */
static void timer_free_run(void)
{
	wr(REG_TIMER_DIVIDE, 0x3); /* divide by 16 */
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0xffffffff);
}

/* LAPIC timer counts per second at divide 16, measured against the TSC
 * (whose rate cpu_measure_tsc() found first) over 10 ms. */
static u64 timer_hz_from_tsc(void)
{
	timer_free_run();
	u64 t0 = rdtsc();
	u32 c0 = rd(REG_TIMER_CURRENT);
	cpu_delay_us(10000);
	u32 c1 = rd(REG_TIMER_CURRENT);
	u64 t1 = rdtsc();
	wr(REG_TIMER_INIT, 0);
	u64 ns = (t1 - t0) * 1000000000ull / cpu_features.tsc_hz;
	return ns ? (u64)(c0 - c1) * 1000000000ull / ns : 0;
}

/* The same against 20 ms of a fixed-rate clock: PIT channel 2, else
 * the ACPI PM timer; 0 when neither counts (both waits are bounded). */
static u64 timer_hz_from_fixed_clock(const char **name)
{
	const unsigned ms = 20;
	bool (*const waits[])(unsigned) = {pit_wait_ms, pmtimer_wait_ms};
	const char *const names[] = {"pit", "acpi-pm-timer"};
	for (unsigned i = 0; i < 2; i++) {
		u64 best = 0;
		/* The least of three, as cpu.c's tsc_hz_against(). */
		for (int k = 0; k < 3; k++) {
			timer_free_run();
			u32 c0 = rd(REG_TIMER_CURRENT);
			bool ok = waits[i](ms);
			u32 c1 = rd(REG_TIMER_CURRENT);
			wr(REG_TIMER_INIT, 0);
			if (!ok)
				break;
			u64 hz = (u64)(c0 - c1) * (1000 / ms);
			best = !best || hz < best ? hz : best;
		}
		if (best) {
			*name = names[i];
			return best;
		}
	}
	*name = "none";
	return 0;
}

static bool agree(u64 a, u64 b) { return a > b - b / 8 && a < b + b / 8; }

/* The timer's input is the bus clock, or the core crystal clock when
 * CPUID 0x15 enumerates the TSC/crystal ratio (SDM 3A §11.5.4); 1 MHz
 * to 5 GHz covers every CPU and hypervisor (KVM: 1 GHz), so at divide
 * 16 anything outside 62.5 kHz .. 312.5 MHz is a broken measurement. */
#define TIMER_HZ_MIN (1000000ull / 16)
#define TIMER_HZ_MAX (5000000000ull / 16)

/* Three clocks may say how fast the timer runs, in this order: the
 * crystal (exact where it is the timer's clock), the TSC (its rate known
 * first), a fixed-rate clock (the PIT, else the ACPI PM timer).  Each is
 * checked against the next: a hypervisor or emulator may enumerate CPUID
 * 0x15 and clock its LAPIC otherwise (KVM's runs at 1 GHz), and an
 * emulator may claim a TSC rate in CPUID that its TSC does not keep
 * against its own devices (Bochs: CPUID says 3.5 GHz, RDTSC counts
 * instructions).  The PIT's and PM timer's rates are fixed by the
 * chipset (1.193182 and 3.579545 MHz) and they run in the LAPIC's time
 * everywhere, so where one counts and the TSC disagrees with it by more
 * than 1/8, it wins; on real hardware they agree.  Without either the
 * TSC stands alone. */
static u64 timer_rate(const char **source)
{
	const char *fixed_name;
	u64 tsc = timer_hz_from_tsc(), fixed = timer_hz_from_fixed_clock(&fixed_name);
	if (fixed && !agree(tsc, fixed)) {
		kprintf("lapic: the timer measures %lu Hz against the TSC (%lu Hz, "
			"from %s) but %lu Hz against the %s: the %s is taken\n",
			tsc, cpu_features.tsc_hz, cpu_features.tsc_source, fixed,
			fixed_name, fixed_name);
		*source = fixed_name;
		return fixed;
	}
	u64 crystal = cpu_features.crystal_hz / 16;
	if (crystal && agree(tsc, crystal)) {
		*source = "cpuid-0x15 crystal";
		return crystal;
	}
	if (crystal)
		kprintf("lapic: CPUID 0x15's crystal (%lu Hz) is not the timer's "
			"clock here (measured %lu Hz at divide 16)\n",
			cpu_features.crystal_hz, tsc);
	*source = !fixed ? "tsc; no pit, no pm timer"
		  : fixed_name[0] == 'p' ? "tsc; the pit agrees" : "tsc; the acpi-pm-timer agrees";
	return tsc;
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	u64 phys = base & PTE_ADDR;

	/* Firmware may hand over in x2APIC mode (EN and EXTD set); kept so,
	 * as leaving it needs a trip through disabled, and every CPU follows
	 * the BSP.  A BSP whose APIC ID needs more than 8 bits comes so (the
	 * xAPIC ID register holds 8, SDM 3A §11.4.6) and must stay so: from
	 * here on its ID, its IPIs and its MADT lookups are 32 bits wide. */
	x2apic = (base & APIC_BASE_EXTD) && (base & APIC_BASE_ENABLE);
	set_mode(x2apic);
	if (!x2apic) {
		BUG_ON(vm_map(kernel_pml4, MMIO_BASE, phys,
			      VM_WRITE | VM_NX | VM_GLOBAL | VM_NOCACHE) != 0);
		lapic = (volatile u32 *)MMIO_BASE;
	}
	bsp_nmi = enable_this_cpu();
	print_nmi_pins(bsp_nmi, false);
	irq_set_handler(VEC_TIMER, timer_tick);
	const char *source;
	u64 hz = timer_rate(&source);
	if (hz < TIMER_HZ_MIN || hz > TIMER_HZ_MAX)
		panic("lapic: timer rate %lu Hz at divide 16 (from %s, tsc %lu Hz "
		      "from %s) is implausible: refusing to run on a guess",
		      hz, source, cpu_features.tsc_hz, cpu_features.tsc_source);
	timer_count = (u32)(hz / LAPIC_TIMER_HZ);
	if (x2apic)
		kprintf("lapic: x2APIC mode (MSRs), id %u, timer %lu Hz at divide 16 (from %s)\n",
			lapic_id(), hz, source);
	else
		kprintf("lapic: xAPIC mode, id %u at 0x%lx, timer %lu Hz at divide 16 (from %s)\n",
			lapic_id(), phys, hz, source);
}

/* xAPIC: ID in bits 31:24; x2APIC: the whole 32-bit register (SDM 3A
 * §11.12.5.1). */
u32 lapic_id(void) { return x2apic ? rd(REG_ID) : rd(REG_ID) >> 24; }
void lapic_eoi(void) { wr(REG_EOI, 0); } /* x2APIC: 0, or #GP (§11.12.1.2) */

void lapic_timer_start(void)
{
	BUG_ON(!timer_count); /* lapic_init() refuses to run without a rate */
	wr(REG_TIMER_DIVIDE, 0x3);
	wr(REG_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
	wr(REG_TIMER_INIT, timer_count);
}

void lapic_timer_stop(void)
{
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0);
}

u64 lapic_ticks(void) { return this_cpu()->counters.timer_ticks; }

void lapic_init_ap(void)
{
	set_mode(x2apic); /* the BSP's mode, whatever firmware left here */
	struct acpi_nmi_pins nmi = enable_this_cpu();
	if (nmi.lint != bsp_nmi.lint || nmi.active_low != bsp_nmi.active_low ||
	    nmi.from_madt != bsp_nmi.from_madt)
		print_nmi_pins(nmi, true);
}

u64 lapic_phys(void) { return rdmsr(MSR_APIC_BASE) & PTE_ADDR; }

/* xAPIC: write the ICR (high half first: writing the low half sends) and
 * wait, bounded, until the LAPIC has sent it (SDM 3A §11.6.1).  x2APIC:
 * one WRMSR, with no delivery status to wait for (§11.12.9); it is not
 * serializing, so a fence first makes the stores the target will read
 * (a cross-call's box) visible before the IPI (§11.12.3).  The caller
 * keeps interrupts off so nothing else uses the ICR meanwhile. */
static bool send(u32 apic_id, u32 lo)
{
	if (x2apic) {
		wrmsr_fence();
		wrmsr(X2APIC_ICR, (u64)apic_id << 32 | lo);
		return true;
	}
	wr(REG_ICR_HI, apic_id << 24);
	wr(REG_ICR_LO, lo);
	for (u32 spins = 0; spins < 1000000; spins++) {
		if (!(rd(REG_ICR_LO) & ICR_PENDING))
			return true;
		pause();
	}
	return false;
}

bool lapic_send_init(u32 apic_id) { return send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL); }

bool lapic_send_startup(u32 apic_id, u8 page)
{
	return send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

bool lapic_send_ipi(u32 apic_id, u8 vector) { return send(apic_id, ICR_ASSERT | vector); }
