/*
 * flush_invlpg.c - invalidate only what the outgoing view may have cached.
 *
 * Why the set is complete: the processor caches translations only from
 * present entries (SDM 3A §4.10.2.3), and may cache one for any present
 * page at any time, accessed or not (§4.10.2.2).  The outgoing view's
 * present pages are exactly its tracked pages (view_map/view_unmap keep
 * the list, and a page unmapped while the view ran was invalidated then),
 * so an INVLPG of each removes every translation it may have left.
 * INVLPG also empties all paging-structure caches of the current PCID,
 * whatever their address (§4.10.4.1), which takes the outgoing PML4 entry
 * with it; that is why one INVLPG is done even for a view with no pages.
 * Past FLUSH_INVLPG_CEILING pages the list is not kept and CR3 is
 * rewritten instead, as the reload strategy does.
 */
#include "flush.h"
#include "memlayout.h"

void flush_invlpg_switch(struct slot_cpu *c, struct view *from, struct view *to)
{
	view_hide(c, from);
	view_show(c, to);
	if (!from)
		return; /* the lower half was empty: nothing of it is cached */
	if (from->untracked) {
		tlb_write_cr3(&c->counters, c->pml4_phys);
		return;
	}
	u32 skip = FLUSH_BUGGY(FLUSH_BUG_DROP_INVLPG) && from->tracked_count ? 1 : 0;
	tlb_invlpg_list(&c->counters, from->tracked + skip, from->tracked_count - skip);
	if (from->tracked_count == 0)
		tlb_invlpg(&c->counters, slot_base(from->slot));
}

void flush_invlpg_unmapped(struct slot_cpu *c, struct view *v, u64 va)
{
	if (v == c->current)
		tlb_invlpg(&c->counters, va);
}
