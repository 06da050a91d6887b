/*
 * flush_pcid.c - one PCID per view per CPU; switching keeps the TLB.
 *
 * With CR4.PCIDE = 1, TLB and paging-structure-cache entries are tagged
 * with the PCID current when they were made, and only entries of the
 * current PCID (or global ones) are used (SDM 3A §4.10.1).  MOV to CR3
 * with bit 63 set switches PCID without invalidating anything; with bit
 * 63 clear it invalidates every non-global entry of the new PCID
 * (§4.10.4.1).  So:
 *   - a view keeps its PCID across switches: bit 63 set, nothing lost;
 *   - a PCID given to a view (first use, or taken from another view when
 *     the pool is exhausted: round robin) may hold someone else's
 *     translations: the switch clears bit 63 and so flushes it;
 *   - the outgoing entry is cleared before CR3 changes and the incoming
 *     one written after, so no entry is ever present under another
 *     view's PCID, where a speculative walk could cache it (§4.10.2.2);
 *   - a page unmapped from a view whose PCID is not the one loaded - not
 *     current, or current while the CPU runs on another view's own PML4
 *     (flush.h, view_load_own), where INVLPG would reach that view's PCID
 *     instead: the view loses its PCID, and its next use starts from a
 *     flushed one.
 */
#include "flush.h"

u16 pcid_of(struct slot_cpu *c, struct view *v, enum pcid_grant *grant)
{
	struct pcid_pool *pool = &c->pcids;
	u16 p = v->pcid[c->id];

	*grant = PCID_KEPT;
	if (p)
		return p;
	p = pool->next;
	*grant = p < pool->used || pool->owner[p] ? PCID_RECYCLED : PCID_FIRST;
	if (p + 1 == pool->size) {
		pool->next = 1;
		pool->used = pool->size;
	} else {
		pool->next = (u16)(p + 1);
		if (pool->used < p + 1)
			pool->used = (u16)(p + 1);
	}
	if (pool->live < p + 1)
		pool->live = (u16)(p + 1);
	if (pool->owner[p])
		pool->owner[p]->pcid[c->id] = 0; /* recycled: its owner loses it */
	pool->owner[p] = v;
	v->pcid[c->id] = p;
	return p;
}

unsigned pcid_owned(const struct slot_cpu *c)
{
	unsigned n = 0;
	for (unsigned p = 1; p < c->pcids.size; p++)
		n += c->pcids.owner[p] != NULL;
	return n;
}

void pcid_release(struct slot_cpu *c, struct view *v)
{
	u16 p = v->pcid[c->id];
	if (p) {
		c->pcids.owner[p] = NULL;
		v->pcid[c->id] = 0;
	}
}

/* Must this switch flush the incoming PCID?  A PCID given out now may
 * hold another view's translations; one never used since boot holds
 * nothing, but flushing it costs nothing extra here (the same CR3 write). */
static bool must_flush(enum pcid_grant grant)
{
	if (FLUSH_BUGGY(FLUSH_BUG_NOFLUSH_ALWAYS))
		return false;
	if (FLUSH_BUGGY(FLUSH_BUG_NO_REUSE_FLUSH) && grant == PCID_RECYCLED)
		return false;
	return grant != PCID_KEPT;
}

void flush_pcid_switch(struct slot_cpu *c, struct view *from, struct view *to)
{
	enum pcid_grant grant = PCID_KEPT;
	u64 cr3 = c->pml4_phys;

	if (FLUSH_BUGGY(FLUSH_BUG_ENTRY_FIRST))
		view_show(c, to);
	view_hide(c, from);
	if (to)
		cr3 |= pcid_of(c, to, &grant);
	/* PCID 0 (no view) never holds a lower-half translation. */
	tlb_write_cr3(&c->counters, must_flush(grant) ? cr3 : cr3 | CR3_NOFLUSH);
	view_show(c, to);
}

void flush_pcid_unmapped(struct slot_cpu *c, struct view *v, u64 va)
{
	if (v == c->current && !c->own)
		tlb_invlpg(&c->counters, va); /* current PCID only (§4.10.4.1) */
	else if (!FLUSH_BUGGY(FLUSH_BUG_KEEP_STALE_PCID))
		pcid_release(c, v);
}
