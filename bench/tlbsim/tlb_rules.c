/* tlb_rules.c - the invalidation rules of SDM 3A §4.10.4.1 (tlb_rules.h). */
#include "tlb_rules.h"

#include <stddef.h>

#define CR3_NOFLUSH_BIT (1ull << 63)
#define CR3_RESERVED_BITS 0x7ff0000000000000ull /* bits 62:52 */
#define PCID_BITS 0xfffull

static const struct tlb_flush nothing = {
	.page_pcid = TLB_RULE_NO_PCID, .ps_pcid = TLB_RULE_NO_PCID,
};

static struct tlb_flush faulting(const char *why)
{
	struct tlb_flush f = nothing;
	f.fault = why;
	return f;
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> 47;
	return top == 0 || top == 0x1ffff;
}

struct tlb_flush tlb_rule_cr3(uint64_t value, bool pcide, uint16_t *pcid)
{
	if (value & CR3_RESERVED_BITS)
		return faulting("MOV to CR3 sets reserved bits 62:52");
	if (!pcide) {
		if (value & CR3_NOFLUSH_BIT)
			return faulting("MOV to CR3 sets bit 63 with CR4.PCIDE = 0");
		*pcid = 0;
		return (struct tlb_flush){.page_pcid = TLB_RULE_ANY_PCID,
					  .ps_pcid = TLB_RULE_ANY_PCID};
	}
	*pcid = (uint16_t)(value & PCID_BITS);
	if (value & CR3_NOFLUSH_BIT)
		return nothing;
	return (struct tlb_flush){.page_pcid = *pcid, .ps_pcid = *pcid};
}

struct tlb_flush tlb_rule_invlpg(uint64_t va, uint16_t pcid)
{
	return (struct tlb_flush){.page_pcid = pcid, .one_page = true, .va = va,
				  .globals = true, .ps_pcid = pcid};
}

struct tlb_flush tlb_rule_invpcid(uint64_t type, uint64_t pcid, uint64_t va, bool pcide)
{
	if (type > 3 || pcid > PCID_BITS || (type == 0 && !canonical(va)) ||
	    (type <= 1 && !pcide && pcid != 0))
		return faulting("INVPCID with a bad type or descriptor");
	switch (type) {
	case 0:
		return (struct tlb_flush){.page_pcid = (int)pcid, .one_page = true,
					  .va = va, .ps_pcid = (int)pcid};
	case 1:
		return (struct tlb_flush){.page_pcid = (int)pcid, .ps_pcid = (int)pcid};
	case 2:
		return (struct tlb_flush){.page_pcid = TLB_RULE_ANY_PCID, .globals = true,
					  .ps_pcid = TLB_RULE_ANY_PCID};
	default:
		return (struct tlb_flush){.page_pcid = TLB_RULE_ANY_PCID,
					  .ps_pcid = TLB_RULE_ANY_PCID};
	}
}

static bool pcid_matches(int which, uint16_t pcid)
{
	return which == TLB_RULE_ANY_PCID || (which >= 0 && (uint16_t)which == pcid);
}

bool tlb_flush_drops_page(const struct tlb_flush *f, uint16_t pcid, bool global,
			  uint64_t page_va, unsigned page_shift)
{
	if (f->fault)
		return false;
	if (f->one_page && ((page_va ^ f->va) & 0x0000ffffffffffffull) >> page_shift)
		return false; /* another page (48-bit addresses: sign bits aside) */
	return global ? f->globals : pcid_matches(f->page_pcid, pcid);
}

bool tlb_flush_drops_ps(const struct tlb_flush *f, uint16_t pcid)
{
	return !f->fault && pcid_matches(f->ps_pcid, pcid);
}
