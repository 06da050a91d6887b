/*
 * pmu_events.h - which performance-monitoring events count TLB page
 * walks on which CPU (pure; host-tested by tests/host/test_pmu_events.c).
 *
 * The architectural events (SDM 3B §20.2.1, CPUID.0AH) have none for the
 * TLB: walk counts are model-specific.  The table holds only parts whose
 * encodings were checked against the vendors' event lists (Intel's
 * perfmon files, AMD's PPRs, as Linux's tools/perf/pmu-events carries
 * them); any other CPU gets no table and the bench says so, rather than
 * program a code that may mean something else there.
 *
 *  - Intel, "walk completed, any page size" (umask 0x0E) for demand
 *    loads, stores and instruction fetches: event codes 0x08, 0x49, 0x85
 *    from Haswell to Ice Lake, Tiger Lake and Rocket Lake, and on the
 *    hybrid parts' Gracemont E-cores; 0x12, 0x13, 0x11 on Golden Cove and
 *    Raptor Cove (Sapphire and Emerald Rapids, the P-cores of Alder and
 *    Raptor Lake).  On a hybrid part the core type (CPUID.1AH:EAX[31:24])
 *    picks the set; a part of those models without E-cores has P-cores.
 *  - AMD Zen 1 to 4 (families 17h, 19h): PMCx045, L1 DTLB misses that
 *    also missed the L2 DTLB (unit mask 0xF0: a walk, loads and stores
 *    together), and PMCx085, instruction fetches missing both ITLBs (unit
 *    mask 0x07 on 17h; 0x0F on 19h, which adds coalesced pages).
 *
 * Beside them, instructions retired (Intel's architectural 0xC0, AMD's
 * PMCx0C0): the probe's proof that the counters count, and a per-round-
 * trip figure to set against the icount table's.
 */
#ifndef SLOTGATE_PMU_EVENTS_H
#define SLOTGATE_PMU_EVENTS_H

#include "types.h"

#define PMU_MAX_EVENTS 4

/* The event-select fields SDM 3B §20.2.1.1 (Figure 20-1) and AMD's
 * PERF_CTL share: event in bits 7:0, unit mask in 15:8, count in ring 3
 * (USR, bit 16) and ring 0 (OS, bit 17), enable (bit 22). */
#define PMU_SEL_USR (1u << 16)
#define PMU_SEL_OS (1u << 17)
#define PMU_SEL_EN (1u << 22)

enum pmu_vendor { PMU_VENDOR_OTHER, PMU_VENDOR_INTEL, PMU_VENDOR_AMD };

/* Intel's core types (CPUID.1AH:EAX[31:24]); 0 on a part that is not
 * hybrid. */
#define PMU_CORE_ATOM 0x20
#define PMU_CORE_CORE 0x40

struct pmu_event {
	const char *name; /* the JSON key: "instructions", "dtlb_walks", ... */
	u8 event, umask;
};

struct pmu_event_set {
	const char *core;  /* the microarchitecture, for the log and BENCH_ENV */
	u32 n;             /* events in use, instructions first */
	struct pmu_event ev[PMU_MAX_EVENTS];
};

/* The set for this CPU, or NULL when the table has none for it.
 * @family and @model as cpu.h has them (display family and model). */
const struct pmu_event_set *pmu_event_set(enum pmu_vendor vendor, u32 family,
					  u32 model, u32 core_type);

/* The event-select value that counts @e in both rings, enabled. */
u64 pmu_select(const struct pmu_event *e);

/* @now - @then for a counter @width bits wide (it wraps there). */
u64 pmu_delta(u64 then, u64 now, u32 width);

#endif
