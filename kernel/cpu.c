/* cpu.c - CPUID feature detection, protection bits and the TSC rate. */
#include "cpu.h"
#include "trap.h"
#include "arch/x86.h"
#include "console.h"
#include "coreclock.h"
#include "kernel.h"
#include "kstring.h"
#include "percpu.h"
#include "pit.h"
#include "pmtimer.h"
#include "tsc_rate.h"

struct cpu_features cpu_features;

static void read_string(u32 leaf, char *out)
{
	u32 r[4];
	cpuid(leaf, 0, r);
	memcpy(out, &r[0], 4);
	memcpy(out + 4, &r[1], 4);
	memcpy(out + 8, &r[2], 4);
	memcpy(out + 12, &r[3], 4);
}

static void detect_names(struct cpu_features *f)
{
	u32 r[4];

	cpuid(0, 0, r);
	memcpy(f->vendor, &r[1], 4);
	memcpy(f->vendor + 4, &r[3], 4);
	memcpy(f->vendor + 8, &r[2], 4);
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000004) {
		for (u32 i = 0; i < 3; i++)
			read_string(0x80000002 + i, f->brand + 16 * i);
	}
	char *b = f->brand; /* many brand strings start with spaces */
	while (*b == ' ')
		b++;
	memmove(f->brand, b, strlen(b) + 1);
}

void cpu_detect(void)
{
	struct cpu_features *f = &cpu_features;
	u32 r[4], max;

	detect_names(f);
	cpuid(0, 0, r);
	max = r[0];
	cpuid(1, 0, r);
	f->stepping = r[0] & 0xf;
	f->family = (r[0] >> 8) & 0xf;
	f->model = (r[0] >> 4) & 0xf;
	if (f->family == 0xf)
		f->family += (r[0] >> 20) & 0xff;
	if (f->family >= 6)
		f->model |= ((r[0] >> 16) & 0xf) << 4;
	f->pcid = r[2] & (1u << 17);
	f->x2apic = r[2] & (1u << 21);
	f->tsc_deadline = r[2] & (1u << 24);
	f->pge = r[3] & (1u << 13);
	f->pat = r[3] & (1u << 16);
	f->mce = r[3] & (1u << 7);
	bool hv = r[2] & (1u << 31);
	if (max >= 6) {
		cpuid(6, 0, r);
		f->aperfmperf = r[2] & (1u << 0);
	}
	if (max >= 7) {
		cpuid(7, 0, r);
		f->smep = r[1] & (1u << 7);
		f->invpcid = r[1] & (1u << 10);
		f->smap = r[1] & (1u << 20);
	}
	cpuid(0x80000001, 0, r);
	f->nx = r[3] & (1u << 20);
	f->rdtscp = r[3] & (1u << 27);
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000007) {
		cpuid(0x80000007, 0, r);
		f->invariant_tsc = r[3] & (1u << 8);
	}
	if (hv) {
		cpuid(0x40000000, 0, r);
		memcpy(f->hypervisor, &r[1], 4);
		memcpy(f->hypervisor + 4, &r[2], 4);
		memcpy(f->hypervisor + 8, &r[3], 4);
	}
}

/* IA32_PAT (SDM 3A §12.12.2): PAT_WITH_WC_AT_1 (cpu.h).  A PTE with
 * PWT alone selects entry 1: VM_WC, used for the framebuffer only, which
 * then stays write-combining whatever the MTRRs say of it (§12.5.2.2,
 * table 12-7: PAT WC wins over MTRR UC), so drawing the console costs
 * burst writes, not one bus cycle per pixel.  Every CPU must hold the
 * same PAT (§12.12.4).  The framebuffer may already be mapped (the boot
 * CPU's console comes up first, then as write-through); the caches are
 * written back here and the CR4.PGE write that follows in
 * cpu_enable_protection (PGE goes from 0 to 1 on every CPU: boot.asm and
 * the AP trampoline leave it clear) flushes every TLB entry, global ones
 * too, as §12.12.4 asks after a PAT change.  Without PGE a CR3 write
 * does, the global bit being ignored then. */
static void set_pat(void)
{
	if (!cpu_features.pat)
		return;
	wrmsr(MSR_PAT, PAT_WITH_WC_AT_1);
	wbinvd();
	if (!cpu_features.pge)
		write_cr3(read_cr3());
}

void cpu_enable_protection(void)
{
	struct cpu_features *f = &cpu_features;
	u64 cr4 = read_cr4();

	set_pat();
	if (f->nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (f->pge)
		cr4 |= CR4_PGE;
	if (f->smep)
		cr4 |= CR4_SMEP;
	if (f->smap) {
		cr4 |= CR4_SMAP;
		trap_clac = 1;
	}
	/* Machine checks are reported (#MC, vector 18) only with CR4.MCE set;
	 * clear, a machine check shuts the processor down (SDM 3A §2.5,
	 * CR4.MCE; SDM 3B §16.1 Machine-Check Architecture). */
	if (f->mce)
		cr4 |= CR4_MCE;
	write_cr4(cr4);
	write_cr0(read_cr0() | CR0_WP); /* ring 0 honours read-only pages too */
}

/* A TSC rate below 10 MHz or above 20 GHz is nothing a CPU or emulator
 * here runs at (Bochs' instruction clock is its ips, 100 MHz; icount's is
 * 1 GHz): a broken source, refused rather than believed. */
#define TSC_HZ_MIN 10000000ull
#define TSC_HZ_MAX 20000000000ull

static bool plausible(u64 hz) { return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX; }

/* Leaves 0x15 and 0x16 as tsc_rate.h takes them. */
void cpu_tsc_leaves(struct tsc_cpuid *t)
{
	const struct cpu_features *f = &cpu_features;
	u32 r[4];
	*t = (struct tsc_cpuid){0};
	t->vendor_intel = strcmp(f->vendor, "GenuineIntel") == 0;
	t->family = f->family;
	t->model = f->model;
	cpuid(0, 0, r);
	u32 max = r[0];
	if (max >= 0x15) {
		cpuid(0x15, 0, r);
		t->l15_eax = r[0], t->l15_ebx = r[1], t->l15_ecx = r[2];
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, r);
		t->l16_eax = r[0];
	}
}

/* CPUID 0x15's ratio, with its crystal from ECX, the model or 0x16's
 * base frequency as Linux derives it (tsc_rate.h, host-tested). */
static bool tsc_from_cpuid_15(struct cpu_features *f, u32 max)
{
	struct tsc_cpuid t;
	(void)max;
	cpu_tsc_leaves(&t);
	u64 crystal = tsc_crystal_hz(&t);
	if (!crystal)
		return false;
	f->tsc_hz = tsc_rate_from_cpuid(&t, &f->tsc_source);
	f->crystal_hz = crystal;
	return true;
}

/* 0x16's base frequency alone (EAX, MHz): rounded, and so the last
 * source, after the hypervisor leaf and the timers. */
static bool tsc_from_cpuid_16(struct cpu_features *f, u32 max)
{
	u32 r[4];
	if (max < 0x16)
		return false;
	cpuid(0x16, 0, r);
	if (!(r[0] & 0xffff))
		return false;
	f->tsc_hz = (u64)(r[0] & 0xffff) * 1000000;
	f->tsc_source = "cpuid-0x16";
	return true;
}

/* The hypervisor timing leaf 0x40000010: EAX = TSC kHz (KVM, VMware). */
static bool tsc_from_hypervisor(struct cpu_features *f)
{
	u32 r[4];
	if (!f->hypervisor[0])
		return false;
	cpuid(0x40000000, 0, r);
	if (r[0] < 0x40000010)
		return false;
	cpuid(0x40000010, 0, r);
	if (!r[0])
		return false;
	f->tsc_hz = (u64)r[0] * 1000;
	f->tsc_source = "hypervisor";
	return true;
}

/* TSC ticks per second over 20 ms of a reference clock, the least of
 * three: anything between the first TSC read and the count's start (an
 * SMI; a host that deschedules an emulator's vCPU) only lengthens a
 * measurement.  0 when the clock failed its wait. */
static u64 tsc_hz_against(bool (*wait_ms)(unsigned))
{
	const unsigned ms = 20;
	u64 best = 0;
	for (int i = 0; i < 3; i++) {
		u64 start = rdtsc();
		if (!wait_ms(ms))
			return 0;
		u64 hz = (rdtsc() - start) * (1000 / ms);
		best = !best || hz < best ? hz : best;
	}
	return best;
}

static bool tsc_from_pit(struct cpu_features *f)
{
	f->tsc_hz = tsc_hz_against(pit_wait_ms);
	f->tsc_source = "pit";
	return f->tsc_hz != 0;
}

static bool tsc_from_pmtimer(struct cpu_features *f)
{
	if (!pmtimer_present())
		return false;
	f->tsc_hz = tsc_hz_against(pmtimer_wait_ms);
	f->tsc_source = "acpi-pm-timer";
	return f->tsc_hz != 0;
}

void cpu_measure_tsc(void)
{
	struct cpu_features *f = &cpu_features;
	u32 r[4];
	cpuid(0, 0, r);
	u32 max = r[0];

	/* Each source in turn; a missing or implausible answer is reported
	 * and the next one tried. */
	bool (*const sources[])(struct cpu_features *) = {
		tsc_from_hypervisor, tsc_from_pit, tsc_from_pmtimer,
	};
	if (tsc_from_cpuid_15(f, max) && plausible(f->tsc_hz))
		return;
	if (f->tsc_source)
		kprintf("cpu: tsc rate from %s failed (%lu Hz)\n", f->tsc_source,
			f->tsc_hz);
	f->crystal_hz = 0;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		f->tsc_source = NULL;
		if (sources[i](f) && plausible(f->tsc_hz))
			return;
		if (f->tsc_source)
			kprintf("cpu: tsc rate from %s failed (%lu Hz)\n",
				f->tsc_source, f->tsc_hz);
	}
	if (tsc_from_cpuid_16(f, max) && plausible(f->tsc_hz))
		return;
	/* No rate: every timeout, the AP start-up and the LAPIC timer would
	 * run on a guess; a silent default would mislabel every figure. */
	panic("no clock gives the TSC rate: CPUID 0x15/0x16 and the hypervisor "
	      "leaf give none, the PIT (port 0x61) does not count - is the "
	      "8254 gated off or absent? - and the FADT names no working ACPI "
	      "PM timer");
}

void cpu_delay_us(u64 us)
{
	u64 start = rdtsc(), ticks = cpu_features.tsc_hz / 1000000 * us;
	while (rdtsc() - start < ticks)
		pause();
}

static void read_core_clock(void *out)
{
	u64 *v = out;
	v[0] = rdmsr(MSR_MPERF);
	v[1] = rdmsr(MSR_APERF);
}

/* Read both twice around a busy spin of 10,000 TSC ticks: each read must
 * not fault and each counter must move (the core stays in C0 meanwhile).
 * A hypervisor may advertise the pair and #GP, or hand out zeros for an
 * MSR it does not know (QEMU's TCG, KVM with ignore_msrs). */
const char *cpu_core_clock_try(void)
{
	struct fault_info info;
	u64 a[2], b[2];

	if (trap_catch(read_core_clock, a, &info) >= 0)
		return "none: RDMSR of IA32_MPERF/APERF faults";
	for (u64 t = rdtsc(); rdtsc() - t < 10000;)
		pause();
	if (trap_catch(read_core_clock, b, &info) >= 0)
		return "none: RDMSR of IA32_MPERF/APERF faults";
	if (b[0] <= a[0] || b[1] <= a[1])
		return "none: IA32_MPERF/APERF do not count";
	return NULL;
}

void cpu_probe_core_clock(void)
{
	struct cpu_features *f = &cpu_features;
	const char *why = f->aperfmperf ? cpu_core_clock_try()
					: "none: CPUID.06H:ECX[0] is 0";
	f->core_clock = !why;
	f->core_clock_note = why ? why : "aperf/mperf";
}

void cpu_core_clock_sample(struct coreclock_sample *s)
{
	*s = (struct coreclock_sample){.cpu = this_cpu()->id};
	if (!cpu_features.core_clock)
		return;
	/* The same order every time, so the three windows two samples span
	 * are of one length, shifted by a few instructions. */
	s->mperf = rdmsr(MSR_MPERF);
	s->aperf = rdmsr(MSR_APERF);
	s->tsc = rdtsc();
	s->valid = true;
}

void cpu_print(void)
{
	const struct cpu_features *f = &cpu_features;
	kprintf("cpu: %s \"%s\" family %u model %u stepping %u\n", f->vendor,
		f->brand, f->family, f->model, f->stepping);
	kprintf("cpu: hypervisor \"%s\"\n", f->hypervisor[0] ? f->hypervisor : "none");
	kprintf("cpu: features pcid=%d invpcid=%d pge=%d nx=%d smep=%d smap=%d "
		"x2apic=%d invariant_tsc=%d rdtscp=%d\n",
		f->pcid, f->invpcid, f->pge, f->nx, f->smep, f->smap, f->x2apic,
		f->invariant_tsc, f->rdtscp);
	kprintf("cpu: tsc %lu Hz (from %s)\n", f->tsc_hz, f->tsc_source);
	kprintf("cpu: core clock %s\n", f->core_clock_note);
}
