/*
 * pmu.h - TLB page walks and instructions retired, counted over each
 * bench row where the CPU has performance counters and pmu_events.h
 * knows its walk events: the refill side measured, not simulated (no
 * emulator here has either; a KVM host with a virtual PMU or a PC does).
 *
 * The counters (SDM 3B §20.2: IA32_PERFEVTSELx 0x186+, IA32_PMCx 0xC1+,
 * IA32_PERF_GLOBAL_CTRL 0x38F from version 2; AMD APM 2 §13.2: PERF_CTL
 * and PERF_CTR at 0xC0010200+ with PerfCtrExtCore, else the legacy four at
 * 0xC0010000/0xC0010004, PerfCntrGlobalCtl 0xC0000301 with PerfMonV2)
 * are programmed once, on the boot CPU, to count in ring 3 and ring 0
 * alike, and left running; a row reads them at its start and at its
 * report, as it reads the kernel's own counters.  They are per logical
 * CPU: a sample says which CPU it was taken on, and only two samples of
 * the programmed CPU give a figure.
 *
 * pmu_init() programs them only after a probe: every MSR access under
 * trap_catch(), and the instructions counter must have moved over a
 * short spin - a hypervisor may enumerate counters it does not give, or
 * hand out zeros.  Nothing else in the kernel uses the PMU, and no
 * counter is ever set to interrupt (the INT bit stays clear).
 */
#ifndef SLOTGATE_PMU_H
#define SLOTGATE_PMU_H

#include "pmu_events.h"
#include "types.h"

struct pmu_sample {
	u64 v[PMU_MAX_EVENTS]; /* in pmu_events()'s order */
	u32 cpu;               /* struct cpu's id */
	bool valid;
};

/* Find the counters and the event set, probe, program (boot CPU, after
 * idt_init()).  Logs one line. */
void pmu_init(void);
/* The programmed set, or NULL when nothing is counted. */
const struct pmu_event_set *pmu_events(void);
/* "intel-glc: 4 events" or why not ("none: ..."), for BENCH_ENV. */
const char *pmu_note(void);
/* Read this CPU's counters; invalid on any CPU but the programmed one. */
void pmu_sample(struct pmu_sample *s);
/* Event @i's count from @a to the later @b, or false when the two do not
 * give one (invalid, or of different CPUs). */
bool pmu_delta_of(const struct pmu_sample *a, const struct pmu_sample *b,
		  unsigned i, u64 *out);

/* Which MSRs a probe programs. */
enum pmu_layout { PMU_INTEL, PMU_AMD_LEGACY, PMU_AMD_EXT };
/* Program @set in @layout on this CPU, spin, read back, and stop them
 * again: NULL when every access worked and instructions were counted,
 * else why not.  Whatever CPUID says (the tests run it on CPUs without
 * counters). */
const char *pmu_try(enum pmu_layout layout, const struct pmu_event_set *set);

#endif
