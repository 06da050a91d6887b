/*
 * flush.h - the flush strategies, one small file each, one interface.
 *
 * The build picks one with make FLUSH=reload|invlpg|pcid|invpcid, which
 * becomes the constant FLUSH; code tests it with FLUSH_IS(X) in plain C
 * `if`s, so every strategy is compiled and type-checked in every build and
 * the unused ones vanish as dead code.  Host tests (HOST_TEST) make FLUSH
 * a variable so one binary runs all four against the TLB model.
 *
 * Each strategy implements:
 *   flush_X_switch(c, from, to)    the CPU's PML4 now shows @to instead of
 *                                  @from (entries already written, or to be
 *                                  written by the strategy where the order
 *                                  matters); make @from's translations
 *                                  unreachable;
 *   flush_X_unmapped(c, v, va)     page @va of @v was unmapped.
 */
#ifndef SLOTGATE_FLUSH_H
#define SLOTGATE_FLUSH_H

#include "view.h"

enum flush_kind { FLUSH_RELOAD, FLUSH_INVLPG, FLUSH_PCID, FLUSH_INVPCID };

#ifdef HOST_TEST
extern enum flush_kind flush_host_kind;
extern unsigned flush_host_bugs;
#define FLUSH flush_host_kind
#define FLUSH_BUGS flush_host_bugs
#else
#ifndef FLUSH
#error "FLUSH must be defined by the build (make FLUSH=...)"
#endif
#define FLUSH_BUGS 0u
#endif
#define FLUSH_IS(kind) (FLUSH == FLUSH_##kind)

/*
 * Deliberate bugs, for the TLB model's negative cases only (host builds):
 * in the kernel FLUSH_BUGS is the constant 0 and these branches vanish.
 */
#define FLUSH_BUG_DROP_INVLPG (1u << 0)      /* invlpg: skip one page */
#define FLUSH_BUG_NO_REUSE_FLUSH (1u << 1)   /* pcid, invpcid: no flush of a
						recycled PCID */
#define FLUSH_BUG_NOFLUSH_ALWAYS (1u << 2)   /* pcid: CR3 bit 63 always set */
#define FLUSH_BUG_KEEP_STALE_PCID (1u << 3)  /* pcid: keep PCID after unmap */
#define FLUSH_BUG_ENTRY_FIRST (1u << 4)      /* pcid: new entry before CR3 */
#define FLUSH_BUG_KEEP_PCID0 (1u << 5)       /* pcid: a flush of every context
						leaves PCID 0 alone */
/* Shootdowns (view.c), seen only with several CPUs: */
#define FLUSH_BUG_SKIP_CPU (1u << 6)     /* the highest-numbered other CPU
					    is left out */
#define FLUSH_BUG_FORGET_LAZY (1u << 7)  /* pcid, invpcid: a CPU that only
					    holds the view's PCID keeps it */
#define FLUSH_BUG_NO_ACK (1u << 8)       /* the unmap returns before the
					    other CPUs act: they do at the
					    caller's next map, after it */
#define FLUSH_BUGGY(bug) (FLUSH_BUGS & (bug))

const char *flush_name(void);

void flush_reload_switch(struct slot_cpu *c, struct view *from, struct view *to);
void flush_reload_unmapped(struct slot_cpu *c, struct view *v, u64 va);
void flush_invlpg_switch(struct slot_cpu *c, struct view *from, struct view *to);
void flush_invlpg_unmapped(struct slot_cpu *c, struct view *v, u64 va);
void flush_pcid_switch(struct slot_cpu *c, struct view *from, struct view *to);
void flush_pcid_unmapped(struct slot_cpu *c, struct view *v, u64 va);
void flush_invpcid_switch(struct slot_cpu *c, struct view *from, struct view *to);
void flush_invpcid_unmapped(struct slot_cpu *c, struct view *v, u64 va);

/* Write @v's entry into the CPU's PML4 / clear it (NULL: nothing).
 * Inline: they are on every gate's path, twice each. */
static inline void view_show(struct slot_cpu *c, struct view *v)
{
	if (v)
		tlb_write_pml4e(&c->counters, &c->pml4[v->slot], v->tables[v->slot]);
}

static inline void view_hide(struct slot_cpu *c, struct view *v)
{
	if (v)
		tlb_write_pml4e(&c->counters, &c->pml4[v->slot], 0);
}

/* How a view got its PCID from pcid_of(). */
enum pcid_grant {
	PCID_KEPT,      /* it had one: its TLB entries are its own */
	PCID_FIRST,     /* never used since boot: nothing cached under it */
	PCID_RECYCLED,  /* used before (another view, or released): flush it */
};

/* Shared by the two PCID strategies (flush_pcid.c): @v's PCID on @c for
 * this CPU's PML4, assigned now if it had none; pcid_own_of() the same for
 * @v's own PML4 - another PCID, so that a PCID only ever names one PML4
 * and a bit-63 load never reaches entries walked from another root.
 * pcid_release() gives back both.  pcid_give() is pcid_of()'s hand-out
 * path; the kept path is inline, for both strategies' switch and the
 * reload after an own address space: every gate and IPC round trip
 * takes it twice. */
u16 pcid_give(struct slot_cpu *c, struct view *v, enum pcid_grant *grant);
static inline u16 pcid_of(struct slot_cpu *c, struct view *v, enum pcid_grant *grant)
{
	u16 p = v->pcid[c->id];

	*grant = PCID_KEPT;
	if (p)
		return p;
	return pcid_give(c, v, grant);
}
u16 pcid_own_of(struct slot_cpu *c, struct view *v, enum pcid_grant *grant);
void pcid_release(struct slot_cpu *c, struct view *v);
/* Does CR3 hold one of @v's PCIDs on @c now: which field holds it
 * (NULL: neither)? */
static inline const u16 *pcid_loaded(const struct slot_cpu *c, const struct view *v)
{
	if (c->own)
		return c->own == v ? &v->own_pcid[c->id] : NULL;
	return c->current == v ? &v->pcid[c->id] : NULL;
}

static inline void flush_switch(struct slot_cpu *c, struct view *from, struct view *to)
{
	if (FLUSH_IS(RELOAD))
		flush_reload_switch(c, from, to);
	else if (FLUSH_IS(INVLPG))
		flush_invlpg_switch(c, from, to);
	else if (FLUSH_IS(PCID))
		flush_pcid_switch(c, from, to);
	else
		flush_invpcid_switch(c, from, to);
}

static inline void flush_unmapped(struct slot_cpu *c, struct view *v, u64 va)
{
	if (FLUSH_IS(RELOAD))
		flush_reload_unmapped(c, v, va);
	else if (FLUSH_IS(INVLPG))
		flush_invlpg_unmapped(c, v, va);
	else if (FLUSH_IS(PCID))
		flush_pcid_unmapped(c, v, va);
	else
		flush_invpcid_unmapped(c, v, va);
}

static inline bool flush_uses_pcid(void) { return FLUSH_IS(PCID) || FLUSH_IS(INVPCID); }

/*
 * Load @v's own PML4 (an IPC server's, a CR3-mode driver's) from
 * *cr3, a view_own_cr3() value of @v kept since, refreshing it when @v
 * has lost the PCID it names since - recycled to another view, or
 * released - and keeping that PCID from then on (CR3 bit 63: SDM 3A
 * §4.10.4.1), so @v's PCID is flushed when given, not on every load.
 * Inline: the IPC round trip makes one such load.
 */
static inline void view_load_own(struct slot_cpu *c, struct view *v, u64 *cr3)
{
	if (flush_uses_pcid() && (*cr3 & CR3_PCID_MASK) != v->own_pcid[c->id])
		*cr3 = view_own_cr3(c, v);
	c->own = v; /* a shootdown of @v must reach this CPU (view.h) */
	tlb_write_cr3(&c->counters, *cr3);
	if (flush_uses_pcid())
		*cr3 |= CR3_NOFLUSH;
}

/*
 * Load @v's own PML4 afresh (the gate into a CR3-mode driver): its PCID,
 * flushed if given now; returns the CR3 to keep for view_load_own().  @v
 * is recorded first, while the pointer is at hand: the gate's path is
 * held to its instruction count.  Inline: that path makes one such load.
 */
static inline u64 view_enter_own(struct slot_cpu *c, struct view *v)
{
	c->own = v; /* a shootdown of @v must reach this CPU (view.h) */
	u64 cr3 = view_own_cr3(c, v);
	tlb_write_cr3(&c->counters, cr3);
	return flush_uses_pcid() ? cr3 | CR3_NOFLUSH : cr3;
}

/* Load this CPU's PML4 again, with the current view's PCID, keeping the
 * TLB where PCIDs allow (after running on a view's own PML4).  Inline:
 * the IPC round trip makes one. */
static inline void slot_cpu_reload(struct slot_cpu *c)
{
	u64 cr3 = c->pml4_phys;
	c->own = NULL;
	if (flush_uses_pcid() && c->current) {
		enum pcid_grant grant;
		cr3 |= pcid_of(c, c->current, &grant);
		if (grant == PCID_KEPT)
			cr3 |= CR3_NOFLUSH;
	} else if (flush_uses_pcid()) {
		/* PCID 0 (no view) caches only views shown in every context,
		 * valid here too; view_flush_everywhere() flushes it when a
		 * page of theirs goes. */
		cr3 |= CR3_NOFLUSH;
	}
	tlb_write_cr3(&c->counters, cr3);
}


#endif
