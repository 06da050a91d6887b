/*
 * tlbsim.h - a TLB simulator for one logical processor, driven by an
 * architectural trace (issue 12, docs/tlb-simulation.md).
 *
 * It keeps what a CPU of a given geometry would keep - set-associative
 * first- and second-level TLBs for 4 KiB and 2 MiB pages, split or shared
 * between instruction fetches and data, tagged with a PCID and a global
 * bit, and the paging-structure caches (PML4E, PDPTE, PDE) - replaced in
 * LRU order, and counts the misses and page-walk memory references an
 * access sequence causes.  What MOV to CR3, INVLPG and INVPCID remove is
 * tlb_rules.h's, the same rules the host tests' worst-case model applies.
 *
 * Not modelled (docs/tlb-simulation.md): speculative or prefetched fills
 * (only accesses the trace shows fill), the real index hashes and
 * replacement policies (modulo indexing, true LRU), 1 GiB pages, the
 * accessed/dirty bit updates, caches of the page tables' own lines.
 */
#ifndef SLOTGATE_TLBSIM_H
#define SLOTGATE_TLBSIM_H

#include <stdbool.h>
#include <stdint.h>

enum tlbsim_side { TLBSIM_FETCH = 1, TLBSIM_DATA = 2, TLBSIM_BOTH = 3 };
enum tlbsim_size { TLBSIM_4K = 1, TLBSIM_2M = 2 };

/* One TLB structure of a geometry: @entries in @ways-way sets (ways ==
 * entries: fully associative), holding the page sizes @sizes for @side,
 * at level 1 (looked up first) or 2 (on a level-1 miss). */
struct tlbsim_array {
	const char *name;
	unsigned entries, ways;
	unsigned sizes;  /* enum tlbsim_size bits */
	unsigned side;   /* enum tlbsim_side bits */
	unsigned level;  /* 1 or 2 */
};

#define TLBSIM_ARRAYS_MAX 8

struct tlbsim_geometry {
	const char *name;
	const char *source;         /* where the figures come from */
	struct tlbsim_array arrays[TLBSIM_ARRAYS_MAX];
	unsigned narrays;
	unsigned ps_entries[5];     /* [2] PDE, [3] PDPTE, [4] PML4E caches
				       (fully associative; 0: none) */
	const char *ps_source;
};

/* The named presets; NULL if there is no such. */
const struct tlbsim_geometry *tlbsim_preset(const char *name);
/* Preset @i (0..), NULL past the last. */
const struct tlbsim_geometry *tlbsim_preset_at(unsigned i);

/* What one translation is: the page's size and whether it is global. */
struct tlbsim_page {
	enum tlbsim_size size;
	bool global;
};

/* Counts since the last tlbsim_reset() / tlbsim_stats_clear(). */
struct tlbsim_stats {
	uint64_t accesses[3];        /* [side]: translations looked up */
	uint64_t l1_misses[3];       /* [side] */
	uint64_t l2_misses[3];       /* [side]: the misses that walk */
	uint64_t walk_refs;          /* page-table memory references */
	uint64_t ps_hits[5];         /* walks that started at a PS-cache entry
					of that level */
	uint64_t cr3_writes, invlpgs, invpcids, faults;
	uint64_t cr3_noflush;        /* of cr3_writes: PCIDE = 1, bit 63 set */
};

struct tlbsim;

/* A simulator of @g (copied; arrays sized from it), nothing cached, CR3 =
 * @cr3, CR4.PCIDE = @pcide; NULL when out of memory. */
struct tlbsim *tlbsim_new(const struct tlbsim_geometry *g, uint64_t cr3, bool pcide);
void tlbsim_free(struct tlbsim *s);
/* Forget everything cached; CR3 and PCIDE as given. */
void tlbsim_reset(struct tlbsim *s, uint64_t cr3, bool pcide);

/* The architectural events: MOV to CR3, INVLPG, INVPCID (a faulting one
 * is counted and changes nothing), and CR4.PCIDE. */
void tlbsim_write_cr3(struct tlbsim *s, uint64_t value);
void tlbsim_invlpg(struct tlbsim *s, uint64_t va);
void tlbsim_invpcid(struct tlbsim *s, uint64_t type, uint64_t pcid, uint64_t va);
void tlbsim_set_pcide(struct tlbsim *s, bool pcide);

/* A translation of @va for @side, of a page @page: false when it missed
 * every TLB (a walk; *@walk_refs, if not NULL, gets its memory
 * references), true on a hit.  A miss fills the caches. */
bool tlbsim_access(struct tlbsim *s, enum tlbsim_side side, uint64_t va,
		   struct tlbsim_page page, unsigned *walk_refs);

/* The current CR3 (as last written) and PCID. */
uint64_t tlbsim_cr3(const struct tlbsim *s);
uint16_t tlbsim_pcid(const struct tlbsim *s);

const struct tlbsim_stats *tlbsim_stats(const struct tlbsim *s);
void tlbsim_stats_clear(struct tlbsim *s);

#endif
