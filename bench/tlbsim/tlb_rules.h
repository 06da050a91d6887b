/*
 * tlb_rules.h - what MOV to CR3, INVLPG and INVPCID invalidate, and when
 * they fault: Intel SDM vol. 3A §4.10.4.1 and the instruction reference,
 * stated once.
 *
 * Two users apply these rules to what they cache: the worst-case model of
 * the host tests (tests/host/tlb_model.c: caches everything the SDM
 * allows, to prove the flush strategies correct) and the TLB simulator
 * (bench/tlbsim/tlbsim.c: caches what a CPU of a given geometry would, to
 * count misses).  Pure C, no kernel state.
 *
 * An event turns into a struct tlb_flush, a description of the entries it
 * removes; tlb_flush_drops_page() and tlb_flush_drops_ps() say whether one
 * cached entry is among them.  TLB entries (translations of a page) carry
 * a PCID and a global bit; paging-structure-cache entries (§4.10.3: PML4E,
 * PDPTE, PDE caches) carry a PCID only - they are never global.
 */
#ifndef SLOTGATE_TLB_RULES_H
#define SLOTGATE_TLB_RULES_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_RULE_ANY_PCID (-1) /* every PCID */
#define TLB_RULE_NO_PCID (-2)  /* none (for the PS caches) */

struct tlb_flush {
	int page_pcid;      /* non-global TLB entries of this PCID, or ANY, or NO */
	bool one_page;      /* ... only those translating @va */
	uint64_t va;
	bool globals;       /* global TLB entries too (of @va only if one_page) */
	int ps_pcid;        /* PS-cache entries of this PCID, or ANY, or NO */
	const char *fault;  /* non-NULL: the instruction raises #GP (why) and
			       invalidates nothing; the CPU state is unchanged */
};

/*
 * MOV to CR3 of @value with CR4.PCIDE = @pcide.  *@pcid becomes the
 * current PCID (0 with PCIDE = 0), unless the write faults.
 *   PCIDE = 0: every non-global TLB entry, every PS entry (bit 63 set is
 *     a reserved bit: #GP);
 *   PCIDE = 1, bit 63 clear: the new PCID's non-global TLB and PS entries;
 *     bit 63 set: nothing.
 * Bits 62:52 set: #GP.
 */
struct tlb_flush tlb_rule_cr3(uint64_t value, bool pcide, uint16_t *pcid);

/* INVLPG @va in context @pcid: the translations of @va, of that PCID or
 * global, and every PS entry of that PCID. */
struct tlb_flush tlb_rule_invlpg(uint64_t va, uint16_t pcid);

/*
 * INVPCID of @type with descriptor (@pcid, @va):
 *   0 (individual address): non-global translations of @va in @pcid, and
 *     every PS entry of @pcid;
 *   1 (single context): every non-global TLB entry and PS entry of @pcid;
 *   2 (all contexts, globals included): everything;
 *   3 (all contexts): everything but global translations.
 * #GP: type > 3, PCID > 0xfff, type 0 with a non-canonical @va, types 0
 * and 1 with PCID != 0 while CR4.PCIDE = 0.
 */
struct tlb_flush tlb_rule_invpcid(uint64_t type, uint64_t pcid, uint64_t va, bool pcide);

/* Does @f remove the TLB entry translating the page at @page_va (any
 * address inside it) of 2^@page_shift bytes, tagged @pcid, global or not? */
bool tlb_flush_drops_page(const struct tlb_flush *f, uint16_t pcid, bool global,
			  uint64_t page_va, unsigned page_shift);

/* Does @f remove a paging-structure-cache entry tagged @pcid? */
bool tlb_flush_drops_ps(const struct tlb_flush *f, uint16_t pcid);

#endif
