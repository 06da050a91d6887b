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
 *   - a view run as a whole address space (its own PML4 in CR3: an IPC
 *     server, a CR3-mode driver; flush.h, view_load_own) has a second
 *     PCID for that root: entries are tagged with the PCID, not with the
 *     PML4 they were walked from (§4.10.1), and this CPU's PML4 shows
 *     more than the view's own (the views shown everywhere), so one PCID
 *     on both would let the own address space reach them;
 *   - a page unmapped from a view: INVLPG if one of its PCIDs is the one
 *     loaded (it acts on the current PCID only, §4.10.4.1); a PCID of it
 *     that is not loaded is released, and its next use starts from a
 *     flushed one.
 */
#include "flush.h"

/* Give @v a PCID from @c's pool, held in *@held (its pcid or own_pcid
 * field): round robin, taking it from its owner when the pool has gone
 * round. */
static u16 pcid_take(struct slot_cpu *c, struct view *v, bool own, u16 *held,
		     enum pcid_grant *grant)
{
	struct pcid_pool *pool = &c->pcids;
	u16 p = pool->next;

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
	struct view *old = pool->owner[p];
	if (old) /* recycled: its owner loses it */
		*(pool->own_root[p] ? &old->own_pcid[c->id] : &old->pcid[c->id]) = 0;
	pool->owner[p] = v;
	pool->own_root[p] = own;
	*held = p;
	return p;
}

u16 pcid_give(struct slot_cpu *c, struct view *v, enum pcid_grant *grant)
{
	return pcid_take(c, v, false, &v->pcid[c->id], grant);
}

u16 pcid_own_of(struct slot_cpu *c, struct view *v, enum pcid_grant *grant)
{
	u16 p = v->own_pcid[c->id];

	*grant = PCID_KEPT;
	if (p)
		return p;
	return pcid_take(c, v, true, &v->own_pcid[c->id], grant);
}

unsigned pcid_owned(const struct slot_cpu *c)
{
	unsigned n = 0;
	for (unsigned p = 1; p < c->pcids.size; p++)
		n += c->pcids.owner[p] != NULL;
	return n;
}

static void release_one(struct slot_cpu *c, u16 *held)
{
	if (*held) {
		c->pcids.owner[*held] = NULL;
		*held = 0;
	}
}

void pcid_release(struct slot_cpu *c, struct view *v)
{
	release_one(c, &v->pcid[c->id]);
	release_one(c, &v->own_pcid[c->id]);
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
	const u16 *loaded = pcid_loaded(c, v);
	if (loaded)
		tlb_invlpg(&c->counters, va); /* current PCID only (§4.10.4.1) */
	if (FLUSH_BUGGY(FLUSH_BUG_KEEP_STALE_PCID))
		return;
	/* The one of its two PCIDs not loaded now goes (both if neither). */
	if (loaded != &v->pcid[c->id])
		release_one(c, &v->pcid[c->id]);
	if (loaded != &v->own_pcid[c->id])
		release_one(c, &v->own_pcid[c->id]);
}
