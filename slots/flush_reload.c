/*
 * flush_reload.c - the simplest strategy: after the PML4 entries change,
 * rewrite CR3.  With CR4.PCIDE = 0, MOV to CR3 invalidates every TLB
 * entry except global ones, and every paging-structure-cache entry (SDM
 * 3A §4.10.4.1).  Kernel pages are global (CR4.PGE, §4.10.2.4), so only
 * the lower half - the outgoing view - is lost, and with it every
 * translation the incoming view must not reach.
 */
#include "flush.h"

void flush_reload_switch(struct slot_cpu *c, struct view *from, struct view *to)
{
	view_hide(c, from);
	view_show(c, to);
	tlb_write_cr3(&c->counters, c->pml4_phys);
}

void flush_reload_unmapped(struct slot_cpu *c, struct view *v, u64 va)
{
	/* Only the current view can have cached translations (view.h). */
	if (v == c->current)
		tlb_invlpg(&c->counters, va);
}
