/*
 * tlb_model.h - a worst-case model of the TLBs and paging-structure caches
 * of up to TLB_MODEL_MAX_CPUS logical processors (Intel SDM vol. 3A
 * §4.10), for host tests.
 *
 * Built with -DHOST_TEST, the slot code's hardware operations (slots/tlb.h)
 * call the four tlb_model_* event functions, which act on the selected
 * CPU (CPU 0 unless a test selects another); the model keeps what each
 * processor may have cached and tlb_model_check() says whether any of it,
 * usable in that CPU's current context, disagrees with the page tables in
 * memory (the arena, tests/host/arena.h).  See tlb_model.c for the rules.
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

#define TLB_MODEL_MAX_CPUS 4

/* Start afresh with one CPU, CPU 0, selected: nothing cached, CR3 = @cr3
 * (PML4 address and, with @pcide, the PCID in bits 11:0), CR4.PCIDE =
 * @pcide. */
void tlb_model_reset(u64 cr3, bool pcide);
/* One more CPU, started the same way (@cr3: its own PML4): its index. */
unsigned tlb_model_add_cpu(u64 cr3, bool pcide);
/* The hardware hooks, tlb_model_access(), the inspection functions and
 * the statistics act on CPU @i from now on; returns the one selected
 * before. */
unsigned tlb_model_select_cpu(unsigned i);
/* Every CPU caches what it may now (they all run between a test's steps,
 * on whatever the tables in memory hold then). */
void tlb_model_speculate_all(void);
/* The selected CPU's CR3: its PML4 address | its current PCID. */
u64 tlb_model_cr3(void);

/* Simulated use of @va in the current context: the model speculates
 * (caches everything it may) and translates @va as the processor would
 * (a cached translation first).  True with the frame in *@pa (if not
 * NULL) when some translation exists. */
bool tlb_model_access(u64 va, u64 *pa);

/* NULL, or a description of the first violation on any CPU ("CPU i: "
 * first when there are several): an architectural fault raised by an
 * earlier event (sticky until reset), or a cached entry usable now in
 * that CPU's context that the tables in memory do not back (SDM
 * §4.10.4.2). */
const char *tlb_model_check(void);

/* Inspection, for the model's own tests: is there a TLB entry for @va ->
 * @frame usable under @pcid (its own or global), a PS-cache entry of
 * @level (4 PML4E, 3 PDPTE, 2 PDE) for @va -> @table tagged @pcid? */
bool tlb_model_tlb_cached(u16 pcid, u64 va, u64 frame);
bool tlb_model_ps_cached(int level, u16 pcid, u64 va, u64 table);
const struct tlb_model_stats *tlb_model_stats(void);

#endif
