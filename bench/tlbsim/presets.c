/*
 * presets.c - the TLB geometries the simulator knows by name, each with
 * where its figures come from.  Every figure can be overridden from the
 * command line (bench/tlbsim/main.c, docs/tlb-simulation.md).
 *
 * The paging-structure caches' sizes are published by neither Intel nor
 * AMD (Barr, Cox and Rixner, "Translation Caching: Skip, Don't Walk (the
 * Page Table)", ISCA 2010, describe the two vendors' designs, per-level
 * translation caches against a page-walk cache); the presets assume 32
 * PDE, 4 PDPTE and 2 PML4E entries for both, and say so beside every
 * result.  Set them from the command line to see what they change.
 */
#include "tlbsim.h"

#include <string.h>

#define PS_SOURCE "PS caches 32 PDE / 4 PDPTE / 2 PML4E: assumed (the vendors " \
		  "publish no sizes)"

static const struct tlbsim_geometry presets[] = {
	{
		.name = "skylake",
		.source = "Intel 64 and IA-32 Architectures Optimization Reference "
			  "Manual (248966-045), Table 2-15, Skylake client "
			  "(Skylake-SP the same)",
		.arrays = {
			{"ITLB 4K", 128, 8, TLBSIM_4K, TLBSIM_FETCH, 1},
			{"ITLB 2M", 8, 8, TLBSIM_2M, TLBSIM_FETCH, 1},
			{"DTLB 4K", 64, 4, TLBSIM_4K, TLBSIM_DATA, 1},
			{"DTLB 2M", 32, 4, TLBSIM_2M, TLBSIM_DATA, 1},
			{"STLB 4K+2M", 1536, 12, TLBSIM_4K | TLBSIM_2M, TLBSIM_BOTH, 2},
		},
		.narrays = 5,
		.ps_entries = {0, 0, 32, 4, 2},
		.ps_source = PS_SOURCE,
	},
	{
		.name = "zen2",
		.source = "AMD Software Optimization Guide for Family 17h Models 30h "
			  "and Greater (Zen 2), TLB sections: L1 ITLB/DTLB 64 fully "
			  "associative, all page sizes; L2 ITLB 512 8-way, L2 DTLB "
			  "2048 12-way (skewed: simulated as 170 sets of 12), 4K "
			  "and 2M",
		.arrays = {
			{"L1 ITLB", 64, 64, TLBSIM_4K | TLBSIM_2M, TLBSIM_FETCH, 1},
			{"L1 DTLB", 64, 64, TLBSIM_4K | TLBSIM_2M, TLBSIM_DATA, 1},
			{"L2 ITLB", 512, 8, TLBSIM_4K | TLBSIM_2M, TLBSIM_FETCH, 2},
			{"L2 DTLB", 2048, 12, TLBSIM_4K | TLBSIM_2M, TLBSIM_DATA, 2},
		},
		.narrays = 4,
		.ps_entries = {0, 0, 32, 4, 2},
		.ps_source = PS_SOURCE,
	},
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

const struct tlbsim_geometry *tlbsim_preset_at(unsigned i)
{
	return i < NPRESETS ? &presets[i] : NULL;
}

const struct tlbsim_geometry *tlbsim_preset(const char *name)
{
	for (unsigned i = 0; i < NPRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}
