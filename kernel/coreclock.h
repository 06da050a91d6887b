/*
 * coreclock.h - core cycles beside TSC ticks, from IA32_APERF/IA32_MPERF.
 *
 * RDTSC counts at a fixed reference rate whatever the core's clock does
 * (SDM 3B §18.17): with turbo an operation takes fewer ticks than core
 * cycles, at a low P-state more.  Two MSRs say by how much (SDM 3B §15.2,
 * "P-State Hardware Coordination"): IA32_MPERF (0xE7) counts at a fixed
 * rate - the TSC's, on the parts with an invariant TSC - and IA32_APERF
 * (0xE8) at the core's actual clock, both only while the core is in C0.
 * Only their ratio is architectural.  Over a window in which the core
 * stays busy, dAPERF / dMPERF is the core's mean clock over the
 * reference clock, so ticks * dAPERF / dMPERF are core cycles (Linux's
 * turbostat computes its Bzy_MHz the same way).  The pair is there when
 * CPUID.06H:ECX[0] says so (Intel's "hardware coordination feedback",
 * AMD's EffFreq, same MSR numbers: APM vol. 2, "Effective Frequency
 * Interface"); cpu.h probes it once at boot, since a hypervisor may
 * advertise the bit and #GP on the read.
 *
 * A sample is one CPU's three counters read back to back; a figure is
 * made only from two samples of one CPU taken in order.  Also given:
 * dMPERF / dTSC, the share of the window spent in C0 at the reference
 * rate - 1.000 for a busy loop where MPERF runs at the TSC's rate; far
 * from it says the scaling does not hold (the core idled, or MPERF runs
 * at another rate, as under a hypervisor that scales the guest's TSC).
 *
 * This file's functions are pure (host-tested: tests/host/test_coreclock.c).
 */
#ifndef SLOTGATE_CORECLOCK_H
#define SLOTGATE_CORECLOCK_H

#include "types.h"

#define MSR_MPERF 0xe7u
#define MSR_APERF 0xe8u

struct coreclock_sample {
	u64 tsc, aperf, mperf;
	u32 cpu;    /* the logical CPU it was read on (struct cpu's id) */
	bool valid; /* false where the CPU has no usable APERF/MPERF */
};

/* What two samples say; all fields 0 when they say nothing. */
struct coreclock_ratio {
	u64 core_milli; /* 1000 * dAPERF / dMPERF: core clock / reference */
	u64 c0_milli;   /* 1000 * dMPERF / dTSC: share of the window in C0 */
	u64 aperf, mperf; /* the deltas themselves */
};

/* The ratio between @a and the later sample @b.  False (and @out zeroed)
 * unless both are valid, of one CPU, and every counter moved forward,
 * MPERF and the TSC by at least one tick. */
bool coreclock_ratio(const struct coreclock_sample *a,
		     const struct coreclock_sample *b, struct coreclock_ratio *out);

/* @ticks TSC ticks in core cycles at @r's ratio, rounded to nearest:
 * ticks * dAPERF / dMPERF, exact for every u64 input (128-bit product);
 * saturates at UINT64_MAX.  0 when @r says nothing. */
u64 coreclock_cycles(u64 ticks, const struct coreclock_ratio *r);

#endif
