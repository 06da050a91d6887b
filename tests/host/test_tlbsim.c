/*
 * test_tlbsim.c - the TLB simulator (bench/tlbsim/) on synthetic traces
 * whose misses can be counted by hand: N pages after a flush miss N
 * times, a kept PCID misses none, capacity and associativity evict, a
 * global page survives MOV to CR3, one INVLPG costs one miss, and the
 * paging-structure caches shorten the walks.
 */
#include "htest.h"
#include "tlbsim.h"

#include <stdbool.h>
#include <stdint.h>

#define PML4 0x1000ull          /* CR3's address bits: not looked at */
#define NOFLUSH (1ull << 63)
#define SLOT1 (1ull << 39)
#define KERNEL 0xffffffff80100000ull

static const struct tlbsim_page user4k = {TLBSIM_4K, false};
static const struct tlbsim_page kernel4k = {TLBSIM_4K, true};

/* A small geometry, so capacity is easy to reach: a 4-entry 2-way L1 DTLB
 * and an 8-entry 2-way L2, no fetch side; no PS caches unless given. */
static struct tlbsim_geometry tiny(unsigned pde)
{
	struct tlbsim_geometry g = {
		.name = "tiny",
		.source = "test",
		.arrays = {
			{"L1D", 4, 2, TLBSIM_4K | TLBSIM_2M, TLBSIM_DATA, 1},
			{"L2", 8, 2, TLBSIM_4K | TLBSIM_2M, TLBSIM_BOTH, 2},
		},
		.narrays = 2,
		.ps_entries = {0, 0, pde, 0, 0},
	};
	return g;
}

/* Touch @n pages from @base (one data access each); the walks. */
static unsigned touch(struct tlbsim *s, uint64_t base, unsigned n, struct tlbsim_page p)
{
	unsigned walks = 0;
	for (unsigned i = 0; i < n; i++)
		walks += !tlbsim_access(s, TLBSIM_DATA, base + i * 4096ull, p, NULL);
	return walks;
}

HTEST(tlbsim_n_pages_after_a_flush_miss_n_times)
{
	const struct tlbsim_geometry *g = tlbsim_preset("skylake");
	struct tlbsim *s = tlbsim_new(g, PML4, false);
	CHECK(s != NULL);
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10);
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 0); /* all cached now */
	tlbsim_write_cr3(s, PML4);                /* PCIDE = 0: flush */
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10);
	CHECK_EQ(tlbsim_stats(s)->l2_misses[TLBSIM_DATA], 20);
	tlbsim_free(s);
}

HTEST(tlbsim_kept_pcid_misses_nothing)
{
	struct tlbsim *s = tlbsim_new(tlbsim_preset("skylake"), PML4 | 1, true);
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10);
	tlbsim_write_cr3(s, PML4 | 2 | NOFLUSH); /* to another PCID, kept */
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10); /* PCID 2 has nothing */
	tlbsim_write_cr3(s, PML4 | 1 | NOFLUSH); /* back, bit 63: kept */
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 0);
	tlbsim_write_cr3(s, PML4 | 1);           /* bit 63 clear: PCID 1 flushed */
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10);
	tlbsim_write_cr3(s, PML4 | 2 | NOFLUSH); /* PCID 2's entries stayed */
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 0);
	CHECK_EQ(tlbsim_stats(s)->cr3_writes, 4);
	CHECK_EQ(tlbsim_stats(s)->cr3_noflush, 3); /* what the cycle model prices apart */
	tlbsim_free(s);
}

HTEST(tlbsim_capacity_and_associativity_evict)
{
	struct tlbsim_geometry g = tiny(0);
	struct tlbsim *s = tlbsim_new(&g, PML4, false);
	/* 8 pages fill the 8-entry L2 exactly (4 sets of 2): all hit again,
	 * from L2 past the 4-entry L1. */
	CHECK_EQ(touch(s, SLOT1, 8, user4k), 8);
	CHECK_EQ(touch(s, SLOT1, 8, user4k), 0);
	/* 9 pages: page 8 shares set 0 with pages 0 and 4, LRU out goes 0;
	 * then 0 evicts 4, 4 evicts 8, ... - a cyclic sweep over a set one
	 * way too small misses on every one of its pages. */
	CHECK_EQ(touch(s, SLOT1 + 8 * 4096ull, 1, user4k), 1);
	CHECK_EQ(touch(s, SLOT1, 9, user4k), 3); /* pages 0, 4 and 8 */
	/* Associativity: pages 0, 4, 8, 12 (all set 0) in 2 ways. */
	tlbsim_reset(s, PML4, false);
	unsigned walks = 0;
	for (int round = 0; round < 3; round++)
		for (uint64_t p = 0; p < 16; p += 4)
			walks += !tlbsim_access(s, TLBSIM_DATA, SLOT1 + p * 4096, user4k, NULL);
	CHECK_EQ(walks, 12); /* 4 pages, 2 ways, LRU: every access misses */
	tlbsim_free(s);
}

HTEST(tlbsim_global_page_survives_cr3)
{
	struct tlbsim *s = tlbsim_new(tlbsim_preset("skylake"), PML4 | 1, true);
	CHECK(!tlbsim_access(s, TLBSIM_DATA, KERNEL, kernel4k, NULL));
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1, user4k, NULL));
	tlbsim_write_cr3(s, PML4 | 1); /* flush PCID 1 */
	CHECK(tlbsim_access(s, TLBSIM_DATA, KERNEL, kernel4k, NULL));
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1, user4k, NULL));
	tlbsim_write_cr3(s, PML4 | 7); /* another PCID, flushed: globals stay */
	CHECK(tlbsim_access(s, TLBSIM_DATA, KERNEL, kernel4k, NULL));
	tlbsim_invpcid(s, 3, 0, 0); /* all but globals */
	CHECK(tlbsim_access(s, TLBSIM_DATA, KERNEL, kernel4k, NULL));
	tlbsim_invpcid(s, 2, 0, 0); /* everything */
	CHECK(!tlbsim_access(s, TLBSIM_DATA, KERNEL, kernel4k, NULL));
	tlbsim_free(s);
}

HTEST(tlbsim_one_invlpg_costs_one_miss)
{
	struct tlbsim *s = tlbsim_new(tlbsim_preset("skylake"), PML4, false);
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 10);
	tlbsim_invlpg(s, SLOT1 + 3 * 4096 + 0x123);
	CHECK_EQ(touch(s, SLOT1, 10, user4k), 1);
	CHECK_EQ(tlbsim_stats(s)->invlpgs, 1);
	/* INVPCID type 0 in another PCID than the current one: nothing here. */
	tlbsim_free(s);
	s = tlbsim_new(tlbsim_preset("skylake"), PML4 | 1, true);
	CHECK_EQ(touch(s, SLOT1, 4, user4k), 4);
	tlbsim_invpcid(s, 0, 2, SLOT1);
	CHECK_EQ(touch(s, SLOT1, 4, user4k), 0);
	tlbsim_invpcid(s, 0, 1, SLOT1 + 4096);
	CHECK_EQ(touch(s, SLOT1, 4, user4k), 1);
	tlbsim_free(s);
}

HTEST(tlbsim_walks_start_at_the_ps_caches)
{
	struct tlbsim_geometry g = tiny(4);
	g.ps_entries[3] = 2;
	g.ps_entries[4] = 2;
	struct tlbsim *s = tlbsim_new(&g, PML4, false);
	unsigned refs = 0;
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1, user4k, &refs));
	CHECK_EQ(refs, 4); /* nothing cached: PML4E, PDPTE, PDE, PTE */
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1 + 0x1000, user4k, &refs) && refs == 1);
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1 + 0x200000, user4k, &refs) && refs == 2);
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1 + 0x40000000, user4k, &refs) && refs == 3);
	/* A 2 MiB page walks 3 levels, 1 from a PDPTE-cache hit. */
	struct tlbsim_page large = {TLBSIM_2M, true};
	CHECK(!tlbsim_access(s, TLBSIM_DATA, 0xffff800000000000ull, large, &refs) && refs == 3);
	CHECK(!tlbsim_access(s, TLBSIM_DATA, 0xffff800000400000ull, large, &refs) && refs == 1);
	/* MOV to CR3 (PCIDE = 0) empties the PS caches too. */
	tlbsim_write_cr3(s, PML4);
	CHECK(!tlbsim_access(s, TLBSIM_DATA, SLOT1, user4k, &refs) && refs == 4);
	CHECK_EQ(tlbsim_stats(s)->walk_refs, 4 + 1 + 2 + 3 + 3 + 1 + 4);
	tlbsim_free(s);
}

HTEST(tlbsim_pcide_set_after_cr3_takes_its_pcid)
{
	/* The trace gives CR3 first, then CR4: PCIDE on makes CR3's bits
	 * 11:0 the current PCID, so a later switch back to it hits. */
	struct tlbsim *s = tlbsim_new(tlbsim_preset("skylake"), PML4 | 0xa, false);
	tlbsim_set_pcide(s, true);
	CHECK_EQ(tlbsim_pcid(s), 0xa);
	CHECK_EQ(touch(s, SLOT1, 4, user4k), 4);
	tlbsim_write_cr3(s, PML4 | 5 | NOFLUSH);
	tlbsim_write_cr3(s, PML4 | 0xa | NOFLUSH);
	CHECK_EQ(touch(s, SLOT1, 4, user4k), 0);
	tlbsim_free(s);
}

HTEST(tlbsim_faulting_events_change_nothing)
{
	struct tlbsim *s = tlbsim_new(tlbsim_preset("zen2"), PML4, false);
	CHECK_EQ(touch(s, SLOT1, 3, user4k), 3);
	tlbsim_write_cr3(s, PML4 | NOFLUSH);  /* bit 63 with PCIDE = 0: #GP */
	tlbsim_invpcid(s, 1, 5, 0);           /* PCID 5 with PCIDE = 0: #GP */
	tlbsim_invpcid(s, 4, 0, 0);           /* no type 4: #GP */
	CHECK_EQ(tlbsim_stats(s)->faults, 3);
	CHECK_EQ(tlbsim_stats(s)->cr3_noflush, 0);
	CHECK_EQ(touch(s, SLOT1, 3, user4k), 0);
	CHECK(tlbsim_preset("no-such-cpu") == NULL);
	CHECK(tlbsim_preset_at(0) != NULL && tlbsim_preset_at(99) == NULL);
	tlbsim_free(s);
}
