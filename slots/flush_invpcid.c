/*
 * flush_invpcid.c - PCIDs as in flush_pcid.c, with INVPCID for work
 * outside the current context (SDM 3A §4.10.4.1, INVPCID):
 *   - a PCID given to a view is emptied by INVPCID type 1 (single
 *     context), so the switch itself always sets bit 63;
 *   - a page unmapped from a view is invalidated by INVLPG in the PCID
 *     loaded, if it is one of the view's (it has two: this CPU's PML4's
 *     and, run as a whole address space, its own PML4's), and by INVPCID
 *     type 0 (individual address, which also empties that PCID's
 *     paging-structure caches) in any other of its PCIDs; the view keeps
 *     its PCIDs and the rest of its TLB.
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
	const u16 *loaded = pcid_loaded(c, v);
	if (loaded)
		tlb_invlpg(&c->counters, va);
	if (FLUSH_BUGGY(FLUSH_BUG_KEEP_STALE_PCID))
		return;
	/* Its other PCID (its own PML4's, or this CPU's), if it holds one. */
	u16 p = v->pcid[c->id], own = v->own_pcid[c->id];
	if (p && loaded != &v->pcid[c->id])
		tlb_invpcid(&c->counters, INVPCID_ADDRESS, p, va);
	if (own && loaded != &v->own_pcid[c->id])
		tlb_invpcid(&c->counters, INVPCID_ADDRESS, own, va);
}
