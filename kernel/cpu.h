/*
 * cpu.h - what the CPU can do, read once at boot with CPUID, and the
 * protection features the kernel turns on (NX, PGE, SMEP, SMAP).
 *
 * All CPUs are assumed identical (the boot CPU's answers stand for all).
 */
#ifndef SLOTGATE_CPU_H
#define SLOTGATE_CPU_H

#include "types.h"

struct cpu_features {
	char vendor[13];
	char brand[49];
	char hypervisor[13]; /* "" on bare metal */
	u32 family, model, stepping;
	bool pcid, invpcid, pge, nx, smep, smap, x2apic, invariant_tsc, rdtscp;
	bool tsc_deadline;
	bool pat;
	bool mce;            /* CPUID.1:EDX.MCE: #MC can be reported (CR4.MCE) */
	bool aperfmperf;     /* CPUID.06H:ECX[0]: IA32_APERF/MPERF claimed */
	bool core_clock;     /* ... and readable (cpu_probe_core_clock()) */
	const char *core_clock_note; /* why not, or "aperf/mperf" */
	u64 tsc_hz;
	const char *tsc_source; /* tsc_rate.h's, "hypervisor", "pit",
				   "acpi-pm-timer" */
	u64 crystal_hz;      /* the core crystal clock (CPUID 0x15 ECX, or its
				model's nominal one, or derived from 0x16): 0
				when unknown */
};

extern struct cpu_features cpu_features;

struct tsc_cpuid;
/* CPUID leaves 0x15 and 0x16 and the model, for tsc_rate.h. */
void cpu_tsc_leaves(struct tsc_cpuid *t);
/* Read CPUID into cpu_features (TSC rate excluded). */
void cpu_detect(void);
/* Enable NX (EFER), PGE, SMEP, SMAP (CR4) where present, WP (CR0); make
 * PAT entry 1 write-combining (VM_WC, vm.h).  Every CPU runs it. */
/* IA32_PAT's power-on value but for entry 1, write-combining instead of
 * write-through: WB, WC, UC-, UC, WB, WT, UC-, UC (entry 0 in bits 7:0). */
#define PAT_WITH_WC_AT_1 0x0007040600070106ull
void cpu_enable_protection(void);
/* Find the TSC rate: CPUID 0x15 (its crystal field, else the model's
 * crystal or one derived from 0x16, as Linux does), the hypervisor leaf,
 * else the PIT, else the ACPI PM timer (both bounded; smp_read_acpi()
 * first); 0x16's nominal base alone last.  Stops the
 * kernel with a message when nothing gives a plausible rate: every
 * timeout and the LAPIC timer hang on it. */
void cpu_measure_tsc(void);
/* Spin @us microseconds on the TSC (cpu_measure_tsc() first). */
void cpu_delay_us(u64 us);
/* Where CPUID claims IA32_APERF and IA32_MPERF, try them once
 * (cpu_core_clock_try()); sets core_clock and core_clock_note.  After
 * idt_init(): a read that #GPs is caught. */
void cpu_probe_core_clock(void);
/* Read the pair twice around a short spin: NULL when both reads worked
 * and both counters moved, else why not ("none: ..." - a fault, or
 * counters that stand still).  Whatever CPUID says (the tests run it on
 * CPUs without the pair). */
const char *cpu_core_clock_try(void);
struct coreclock_sample;
/* This CPU's TSC, APERF and MPERF, back to back (coreclock.h); invalid
 * where core_clock is false.  Ring 0.  An interrupt between two of the
 * reads skews that sample by its length: noise against a bench row's
 * window of milliseconds. */
void cpu_core_clock_sample(struct coreclock_sample *s);
/* One line per fact, for the boot log. */
void cpu_print(void);

/* SMAP (SDM 3A §4.6.1): the kernel reaches user pages only between
 * user_access_begin() and user_access_end(), which set and clear
 * RFLAGS.AC.  STAC/CLAC fault with #UD without SMAP, hence the test. */
static inline void user_access_begin(void)
{
	if (cpu_features.smap)
		__asm__ volatile("stac" ::: "memory", "cc");
}
static inline void user_access_end(void)
{
	if (cpu_features.smap)
		__asm__ volatile("clac" ::: "memory", "cc");
}

#endif
