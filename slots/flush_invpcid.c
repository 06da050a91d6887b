/*
 * flush_invpcid.c - PCIDs as in flush_pcid.c, with INVPCID for work
 * outside the current context (SDM 3A §4.10.4.1, INVPCID):
 *   - a PCID given to a view is emptied by INVPCID type 1 (single
 *     context), so the switch itself always sets bit 63;
 *   - a page unmapped from a view whose PCID is not the one loaded (not
 *     current, or current while the CPU runs on another view's own PML4)
 *     is invalidated in that view's PCID by INVPCID type 0 (individual
 *     address, which also empties that PCID's paging-structure caches);
 *     the view keeps its PCID and the rest of its TLB.
 */
#include "flush.h"

void flush_invpcid_switch(struct slot_cpu *c, struct view *from, struct view *to)
{
	enum pcid_grant grant = PCID_KEPT;
	u64 cr3 = c->pml4_phys;

	view_hide(c, from);
	if (to) {
		u16 p = pcid_of(c, to, &grant);
		bool skip = FLUSH_BUGGY(FLUSH_BUG_NO_REUSE_FLUSH) && grant == PCID_RECYCLED;
		if (grant != PCID_KEPT && !skip)
			tlb_invpcid(&c->counters, INVPCID_CONTEXT, p, 0);
		cr3 |= p;
	}
	tlb_write_cr3(&c->counters, cr3 | CR3_NOFLUSH);
	view_show(c, to);
}

void flush_invpcid_unmapped(struct slot_cpu *c, struct view *v, u64 va)
{
	u16 p = v->pcid[c->id];
	if (v == c->current && !c->own)
		tlb_invlpg(&c->counters, va);
	else if (p && !FLUSH_BUGGY(FLUSH_BUG_KEEP_STALE_PCID))
		tlb_invpcid(&c->counters, INVPCID_ADDRESS, p, va);
}
