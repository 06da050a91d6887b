/*
 * tsc_rate.h - the TSC rate from what CPUID enumerates (pure; host-tested
 * by tests/host/test_tsc_rate.c).
 *
 * CPUID 0x15 gives the TSC as a ratio of the core crystal clock: TSC =
 * crystal * EBX / EAX, with the crystal in ECX (SDM 2A, CPUID leaf 15H).
 * Many parts enumerate the ratio but leave ECX 0.  Then, as Linux does
 * (arch/x86/kernel/tsc.c, native_calibrate_tsc), the crystal comes from
 * the model where it is known (24 MHz on Skylake and Kaby Lake clients,
 * 25 MHz on Denverton, 19.2 MHz on Goldmont), else from CPUID 0x16's base
 * frequency: crystal = base * EAX / EBX (for the LAPIC timer; the TSC is
 * then that base frequency, a nominal whole-MHz figure - the small error
 * a known crystal avoids on Skylake clients).
 *
 * Invariant: a rate is returned only from non-zero inputs; 0 means "not
 * enumerated" and the caller calibrates against a timer instead.
 */
#ifndef SLOTGATE_TSC_RATE_H
#define SLOTGATE_TSC_RATE_H

#include "types.h"

/* What CPUID said (zeros where a leaf is beyond the maximum). */
struct tsc_cpuid {
	u32 vendor_intel; /* GenuineIntel: the model table applies */
	u32 family, model;   /* display family and model (CPUID 1) */
	u32 l15_eax, l15_ebx, l15_ecx; /* denominator, numerator, crystal Hz */
	u32 l16_eax;         /* base frequency, MHz (bits 15:0) */
};

/* The TSC rate in Hz, or 0; *@source says how ("cpuid-0x15",
 * "cpuid-0x15+model", "cpuid-0x15+0x16": the base frequency, with the
 * crystal derived from it, "cpuid-0x16": the base frequency alone). */
u64 tsc_rate_from_cpuid(const struct tsc_cpuid *c, const char **source);

/* The core crystal clock in Hz (the LAPIC timer's rate where 0x15 is
 * enumerated, SDM 3A §11.5.4), or 0; as above. */
u64 tsc_crystal_hz(const struct tsc_cpuid *c);

#endif
