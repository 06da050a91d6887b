/*
 * tlb_model.h - a worst-case model of the TLBs and paging-structure caches
 * of one logical processor (Intel SDM vol. 3A §4.10), for host tests.
 *
 * Built with -DHOST_TEST, the slot code's hardware operations (slots/tlb.h)
 * call the four tlb_model_* event functions; the model keeps what the
 * processor may have cached and tlb_model_check() says whether any of it,
 * usable in the current context, disagrees with the page tables in memory
 * (the arena, tests/host/arena.h).  See tlb_model.c for the rules.
 */
#ifndef SLOTGATE_TLB_MODEL_H
#define SLOTGATE_TLB_MODEL_H

#include "types.h"

/* Model statistics, for the tests' plausibility checks. */
struct tlb_model_stats {
	u64 pml4e_writes, cr3_writes, cr3_noflush, invlpgs, invpcids;
	u64 accesses;
	u64 tlb_fills, ps_fills;  /* new cache entries made by speculation */
	u64 tlb_drops, ps_drops;  /* entries removed by invalidation */
	u64 max_tlb, max_ps;      /* high-water marks of live entries */
};

/* Start afresh: nothing cached, CR3 = @cr3 (PML4 address and, with
 * @pcide, the PCID in bits 11:0), CR4.PCIDE = @pcide. */
void tlb_model_reset(u64 cr3, bool pcide);

/* Simulated use of @va in the current context: the model speculates
 * (caches everything it may) and translates @va as the processor would
 * (a cached translation first).  True with the frame in *@pa (if not
 * NULL) when some translation exists. */
bool tlb_model_access(u64 va, u64 *pa);

/* NULL, or a description of the first violation: an architectural fault
 * raised by an earlier event (sticky until reset), or a cached entry
 * usable now that the tables in memory do not back (SDM §4.10.4.2). */
const char *tlb_model_check(void);

/* Inspection, for the model's own tests: is there a TLB entry for @va ->
 * @frame usable under @pcid (its own or global), a PS-cache entry of
 * @level (4 PML4E, 3 PDPTE, 2 PDE) for @va -> @table tagged @pcid? */
bool tlb_model_tlb_cached(u16 pcid, u64 va, u64 frame);
bool tlb_model_ps_cached(int level, u16 pcid, u64 va, u64 table);
const struct tlb_model_stats *tlb_model_stats(void);

#endif
