/*
 * test_pmu_events.c - kernel/pmu_events.c: which TLB page-walk events a
 * CPU gets (the codes as the vendors' event lists give them), none for a
 * CPU the table does not know, the event-select encoding, and counter
 * deltas across the counter's wrap.
 */
#include "htest.h"
#include "pmu_events.h"

#include <string.h>

static const struct pmu_event *event(const struct pmu_event_set *s, const char *name)
{
	for (u32 i = 0; s && i < s->n; i++)
		if (strcmp(s->ev[i].name, name) == 0)
			return &s->ev[i];
	return NULL;
}

/* @name counts event @code with unit mask @umask in @s. */
static bool has(const struct pmu_event_set *s, const char *name, u8 code, u8 umask)
{
	const struct pmu_event *e = event(s, name);
	return e && e->event == code && e->umask == umask;
}

HTEST(pmu_intel_skylake_to_tiger_lake)
{
	/* Skylake-X (Bochs's corei7_skylake_x is 0x55), Kaby Lake, Ice Lake,
	 * Tiger Lake, Haswell: walk completed, any page size, 0x0E. */
	static const u8 models[] = {0x55, 0x9e, 0x7e, 0x8c, 0x3c, 0x4f};
	for (size_t i = 0; i < sizeof(models); i++) {
		const struct pmu_event_set *s = pmu_event_set(PMU_VENDOR_INTEL, 6, models[i], 0);
		CHECK(s != NULL);
		CHECK(has(s, "dtlb_load_walks", 0x08, 0x0e));
		CHECK(has(s, "dtlb_store_walks", 0x49, 0x0e));
		CHECK(has(s, "itlb_walks", 0x85, 0x0e));
	}
}

HTEST(pmu_intel_golden_cove_codes)
{
	const struct pmu_event_set *s = pmu_event_set(PMU_VENDOR_INTEL, 6, 0x8f, 0);
	CHECK(has(s, "dtlb_load_walks", 0x12, 0x0e));
	CHECK(has(s, "dtlb_store_walks", 0x13, 0x0e));
	CHECK(has(s, "itlb_walks", 0x11, 0x0e));
}

HTEST(pmu_intel_hybrid_by_core_type)
{
	/* Alder Lake: P-cores count walks as Golden Cove, E-cores as
	 * Gracemont; without the hybrid bit (core type 0) only P-cores. */
	const struct pmu_event_set *p = pmu_event_set(PMU_VENDOR_INTEL, 6, 0x97, PMU_CORE_CORE);
	const struct pmu_event_set *e = pmu_event_set(PMU_VENDOR_INTEL, 6, 0x97, PMU_CORE_ATOM);
	const struct pmu_event_set *none = pmu_event_set(PMU_VENDOR_INTEL, 6, 0xb7, 0);
	CHECK(has(p, "itlb_walks", 0x11, 0x0e));
	CHECK(has(e, "itlb_walks", 0x85, 0x0e));
	CHECK(has(none, "dtlb_load_walks", 0x12, 0x0e));
}

HTEST(pmu_amd_zen)
{
	const struct pmu_event_set *z2 = pmu_event_set(PMU_VENDOR_AMD, 0x17, 0x31, 0);
	const struct pmu_event_set *z4 = pmu_event_set(PMU_VENDOR_AMD, 0x19, 0x61, 0);
	CHECK(has(z2, "dtlb_walks", 0x45, 0xf0));
	CHECK(has(z2, "itlb_walks", 0x85, 0x07));
	CHECK(has(z4, "dtlb_walks", 0x45, 0xf0));
	CHECK(has(z4, "itlb_walks", 0x85, 0x0f)); /* coalesced pages too */
}

HTEST(pmu_unknown_cpus_get_nothing)
{
	CHECK(pmu_event_set(PMU_VENDOR_INTEL, 6, 0x2a, 0) == NULL);  /* Sandy Bridge */
	CHECK(pmu_event_set(PMU_VENDOR_INTEL, 6, 0x86, 0) == NULL);  /* Snow Ridge */
	CHECK(pmu_event_set(PMU_VENDOR_INTEL, 15, 0x55, 0) == NULL); /* not family 6 */
	CHECK(pmu_event_set(PMU_VENDOR_AMD, 0x15, 0x02, 0) == NULL); /* Piledriver */
	CHECK(pmu_event_set(PMU_VENDOR_AMD, 0x1a, 0x02, 0) == NULL); /* Zen 5: unchecked */
	CHECK(pmu_event_set(PMU_VENDOR_AMD, 0xf, 0x6b, 0) == NULL);  /* QEMU's TCG CPU */
	CHECK(pmu_event_set(PMU_VENDOR_OTHER, 6, 0x55, 0) == NULL);
}

HTEST(pmu_every_set_well_formed)
{
	const struct pmu_event_set *sets[] = {
		pmu_event_set(PMU_VENDOR_INTEL, 6, 0x55, 0),
		pmu_event_set(PMU_VENDOR_INTEL, 6, 0x8f, 0),
		pmu_event_set(PMU_VENDOR_AMD, 0x17, 0, 0),
		pmu_event_set(PMU_VENDOR_AMD, 0x19, 0, 0),
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		const struct pmu_event_set *s = sets[i];
		CHECK(s && s->n >= 2 && s->n <= PMU_MAX_EVENTS && s->core);
		/* Instructions first: the probe reads event 0. */
		CHECK(has(s, "instructions", 0xc0, 0x00) && s->ev[0].event == 0xc0);
		for (u32 a = 0; a < s->n; a++)
			for (u32 b = a + 1; b < s->n; b++)
				CHECK(strcmp(s->ev[a].name, s->ev[b].name) != 0);
	}
}

HTEST(pmu_select_counts_both_rings_never_interrupts)
{
	struct pmu_event walk = {"itlb_walks", 0x85, 0x0e}, instr = {"instructions", 0xc0, 0};
	CHECK_EQ(pmu_select(&walk), 0x430e85);
	CHECK_EQ(pmu_select(&instr), 0x4300c0);
	CHECK_EQ(pmu_select(&walk) & (1u << 20), 0); /* INT: no PMI */
	CHECK_EQ(pmu_select(&walk) & 0xff800000ull, 0); /* no INV, CMASK, high bits */
}

HTEST(pmu_delta_wraps_at_the_counter_width)
{
	CHECK_EQ(pmu_delta(100, 250, 48), 150);
	CHECK_EQ(pmu_delta((1ull << 48) - 5, 3, 48), 8);
	CHECK_EQ(pmu_delta((1ull << 40) - 1, 0, 40), 1);
	CHECK_EQ(pmu_delta(~0ull, 1, 64), 2);
	/* Bits above the width (sign-extended reads on some parts) drop. */
	CHECK_EQ(pmu_delta(0xffff000000000010ull, 0x0000000000000020ull, 48), 0x10);
}
