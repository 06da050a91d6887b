/* pmu_events.c - the TLB page-walk event table (see pmu_events.h). */
#include "pmu_events.h"

/* Haswell to Rocket Lake, and Gracemont (tools/perf/pmu-events:
 * haswell, broadwell, skylake, icelake, tigerlake virtual-memory.json;
 * alderlake's cpu_atom unit). */
static const struct pmu_event_set intel_hsw = {
	"intel-hsw..icl", 4,
	{{"instructions", 0xc0, 0x00}, {"dtlb_load_walks", 0x08, 0x0e},
	 {"dtlb_store_walks", 0x49, 0x0e}, {"itlb_walks", 0x85, 0x0e}}};

/* Golden Cove and Raptor Cove (sapphirerapids, alderlake's cpu_core). */
static const struct pmu_event_set intel_glc = {
	"intel-glc", 4,
	{{"instructions", 0xc0, 0x00}, {"dtlb_load_walks", 0x12, 0x0e},
	 {"dtlb_store_walks", 0x13, 0x0e}, {"itlb_walks", 0x11, 0x0e}}};

/* Zen 1 and 2 (amdzen1, amdzen2). */
static const struct pmu_event_set amd_zen12 = {
	"amd-zen1/2", 3,
	{{"instructions", 0xc0, 0x00}, {"dtlb_walks", 0x45, 0xf0},
	 {"itlb_walks", 0x85, 0x07}}};

/* Zen 3 and 4 (amdzen3, amdzen4). */
static const struct pmu_event_set amd_zen34 = {
	"amd-zen3/4", 3,
	{{"instructions", 0xc0, 0x00}, {"dtlb_walks", 0x45, 0xf0},
	 {"itlb_walks", 0x85, 0x0f}}};

/* Family 6 models (SDM 4, Table 2-1; Linux's intel-family.h). */
static const u8 hsw_models[] = {
	0x3c, 0x3f, 0x45, 0x46,             /* Haswell */
	0x3d, 0x47, 0x4f, 0x56,             /* Broadwell */
	0x4e, 0x5e, 0x55,                   /* Skylake, Skylake-X/Cascade Lake */
	0x8e, 0x9e, 0xa5, 0xa6,             /* Kaby, Coffee, Comet Lake */
	0x7d, 0x7e, 0x6a, 0x6c,             /* Ice Lake, Ice Lake-SP */
	0x8c, 0x8d, 0xa7,                   /* Tiger Lake, Rocket Lake */
};
static const u8 glc_models[] = {
	0x8f, 0xcf,                         /* Sapphire, Emerald Rapids */
};
static const u8 hybrid_models[] = {
	0x97, 0x9a,                         /* Alder Lake */
	0xb7, 0xba, 0xbf,                   /* Raptor Lake */
};

static bool listed(const u8 *models, size_t n, u32 model)
{
	for (size_t i = 0; i < n; i++)
		if (models[i] == model)
			return true;
	return false;
}

static const struct pmu_event_set *intel(u32 family, u32 model, u32 core_type)
{
	if (family != 6)
		return NULL;
	if (listed(hsw_models, ARRAY_SIZE(hsw_models), model))
		return &intel_hsw;
	if (listed(glc_models, ARRAY_SIZE(glc_models), model))
		return &intel_glc;
	/* The two core types count walks under different codes.  A part of
	 * these models that is not hybrid (core type 0: no E-cores, as on
	 * some Alder Lake desktops) has only P-cores. */
	if (listed(hybrid_models, ARRAY_SIZE(hybrid_models), model))
		return core_type == PMU_CORE_ATOM ? &intel_hsw : &intel_glc;
	return NULL;
}

const struct pmu_event_set *pmu_event_set(enum pmu_vendor vendor, u32 family,
					  u32 model, u32 core_type)
{
	switch (vendor) {
	case PMU_VENDOR_INTEL:
		return intel(family, model, core_type);
	case PMU_VENDOR_AMD:
		if (family == 0x17)
			return &amd_zen12;
		if (family == 0x19)
			return &amd_zen34;
		return NULL;
	default:
		return NULL;
	}
}

u64 pmu_select(const struct pmu_event *e)
{
	return (u64)e->event | (u64)e->umask << 8 | PMU_SEL_USR | PMU_SEL_OS | PMU_SEL_EN;
}

u64 pmu_delta(u64 then, u64 now, u32 width)
{
	u64 mask = width >= 64 ? ~0ull : (1ull << width) - 1;
	return (now - then) & mask;
}
