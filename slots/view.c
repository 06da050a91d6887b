/* view.c - views, their page tracking, and the slot swap (see view.h). */
#include "view.h"
#include "errno.h"
#include "flush.h"
#include "kstring.h"
#include "memlayout.h"
#include "vm.h"

static void late_deliver(void); /* FLUSH_BUG_NO_ACK only, see below */

int slot_cpu_init(struct slot_cpu *c, unsigned id, u64 *pml4, u64 pml4_phys,
		  unsigned pcid_pool_size, bool has_pcid, bool has_invpcid)
{
	if (flush_uses_pcid() && !has_pcid)
		return -E_NOSYS;
	if (FLUSH_IS(INVPCID) && !has_invpcid)
		return -E_NOSYS;
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->pml4 = pml4;
	c->pml4_phys = pml4_phys;
	c->pcids.size = (u16)MIN(MAX(pcid_pool_size, 2u), PCID_MAX);
	c->pcids.next = 1;
	return 0;
}

int view_init(struct view *v, unsigned slot)
{
	memset(v, 0, sizeof(*v));
	v->slot = slot;
	u64 pml4 = vm_table_alloc();
	if (!pml4)
		return -E_NOMEM;
	u64 pdpt = vm_new_table(); /* vm_free_range() frees it with the view */
	if (!pdpt) {
		vm_table_free(pml4);
		return -E_NOMEM;
	}
	v->tables = vm_table_virt(pml4);
	/* The PDPT lives as long as the view, so the view's PML4 entry - what
	 * a gate copies - never changes (vm.h). */
	v->tables[slot] = pdpt | PTE_P | PTE_RW | PTE_US;
	return 0;
}

void view_destroy(struct slot_cpu *c, struct view *v, void (*free_frame)(u64))
{
	if (FLUSH_BUGGY(FLUSH_BUG_NO_ACK))
		late_deliver();
	/* Its PCIDs go on every CPU: a PCID given out again is flushed then
	 * (PCID_RECYCLED), and no pool may keep a pointer to @v. */
	for (unsigned i = 0; i < VIEW_MAX_CPUS; i++) {
		struct slot_cpu *o = i == c->id ? c : slot_cpu_at(i);
		if (o && flush_uses_pcid())
			pcid_release(o, v);
	}
	vm_free_range(v->tables, v->slot, v->slot, free_frame);
	vm_table_free(vm_table_phys(v->tables));
	v->tables = NULL;
}

static void track(struct view *v, u64 va)
{
	if (v->untracked)
		return;
	if (v->tracked_count == FLUSH_INVLPG_CEILING) {
		v->untracked = true;
		return;
	}
	v->tracked[v->tracked_count++] = va;
}

static void untrack(struct view *v, u64 va)
{
	for (u32 i = 0; i < v->tracked_count; i++) {
		if (v->tracked[i] == va) {
			v->tracked[i] = v->tracked[--v->tracked_count];
			return;
		}
	}
}

int view_map(struct view *v, u64 va, u64 pa, u64 flags)
{
	if (pml4_index(va) != v->slot || (flags & VM_LARGE))
		return -E_INVAL;
	int err = vm_map(v->tables, va, pa, flags);
	if (!err)
		track(v, va); /* no flush: P=0 is never cached (SDM 3A §4.10.2.3) */
	if (FLUSH_BUGGY(FLUSH_BUG_NO_ACK))
		late_deliver();
	return err;
}

/* Page @va of @v is gone: what CPU @c must forget, run on @c itself. */
static void unmapped_here(struct slot_cpu *c, struct view *v, u64 va)
{
	if (c->own == v)
		tlb_invlpg(&c->counters, va); /* CR3 is @v's own: its PCID is current */
	else if (!v->always)
		flush_unmapped(c, v, va);
	else if (flush_uses_pcid())
		view_flush_everywhere(c); /* cached under any PCID */
	else
		tlb_invlpg(&c->counters, va); /* PCIDE = 0: one context (§4.10.4.1) */
}

static void unmapped_remote(struct slot_cpu *c, struct view *v, u64 va)
{
	c->counters.shootdowns_received++;
	unmapped_here(c, v, va);
}

/*
 * FLUSH_BUG_NO_ACK (host tests only; in the kernel these lines vanish):
 * cross-CPU calls sent but not waited for.  They run at the caller's next
 * view_map(), once its page is in the tables - the frame just freed, when
 * the allocator hands it out again at once - or its next unmap or
 * destroy.
 */
static struct late_call {
	struct slot_cpu *o;
	struct view *v;
	u64 va;
} late[VIEW_MAX_CPUS];
static unsigned late_count;

static void late_deliver(void)
{
	for (unsigned i = 0; i < late_count; i++)
		slot_cpu_call(late[i].o, unmapped_remote, late[i].v, late[i].va);
	late_count = 0;
}

/* FLUSH_BUG_SKIP_CPU: the other CPU with the highest number. */
static unsigned highest_other(const struct slot_cpu *c)
{
	unsigned h = VIEW_MAX_CPUS;
	for (unsigned i = 0; i < VIEW_MAX_CPUS; i++)
		if (i != c->id && slot_cpu_at(i))
			h = i;
	return h;
}

/* Does @v run on @c now: shown, its own PML4 loaded, or shown always? */
static bool in_use_on(const struct slot_cpu *c, const struct view *v)
{
	return v->always || c->current == v || c->own == v;
}

/* Every CPU but @c that may cache a translation of @v forgets @va (see
 * view.h): an IPI where @v is in use, the PCID dropped where it only
 * holds one. */
static void shootdown(struct slot_cpu *c, struct view *v, u64 va)
{
	for (unsigned i = 0; i < VIEW_MAX_CPUS; i++) {
		struct slot_cpu *o = slot_cpu_at(i);
		if (!o || o == c ||
		    (FLUSH_BUGGY(FLUSH_BUG_SKIP_CPU) && i == highest_other(c)))
			continue;
		if (in_use_on(o, v)) {
			c->counters.shootdown_ipis++;
			if (FLUSH_BUGGY(FLUSH_BUG_NO_ACK))
				late[late_count++] = (struct late_call){o, v, va};
			else
				slot_cpu_call(o, unmapped_remote, v, va);
		} else if (flush_uses_pcid() && (v->pcid[o->id] || v->own_pcid[o->id])) {
			c->counters.lazy_invalidations++;
			if (!FLUSH_BUGGY(FLUSH_BUG_FORGET_LAZY))
				pcid_release(o, v);
		}
	}
}

int view_unmap(struct slot_cpu *c, struct view *v, u64 va, u64 *pa)
{
	if (v->pins)
		return -E_BUSY;
	return view_unmap_unpinned(c, v, va, pa);
}

int view_unmap_unpinned(struct slot_cpu *c, struct view *v, u64 va, u64 *pa)
{
	if (FLUSH_BUGGY(FLUSH_BUG_NO_ACK))
		late_deliver();
	if (pml4_index(va) != v->slot)
		return -E_INVAL;
	/* Tables stay until the view goes (windows and stacks come back). */
	int err = vm_clear(v->tables, va, pa);
	if (err)
		return err;
	untrack(v, va);
	unmapped_here(c, v, va);
	shootdown(c, v, va);
	return 0;
}


void view_switch(struct slot_cpu *c, struct view *to)
{
	struct view *from = c->current;
	if (from == to)
		return;
	c->current = to;
	/* Ports first (the TSS bitmap matters only once ring 3 runs, and
	 * the kernel runs with IF = 0), so the flush is a tail call. */
	if (__builtin_expect((from && from->io_count) || (to && to->io_count), 0))
		view_switch_ports(c, from, to);
	flush_switch(c, from, to);
}

void view_show_always(struct slot_cpu *c, struct view *v)
{
	v->always = true;
	view_show(c, v);
	/* On the other CPUs too: an entry that appears needs no flush
	 * (not-present entries are never cached, SDM 3A §4.10.2.3). */
	for (unsigned i = 0; i < VIEW_MAX_CPUS; i++) {
		struct slot_cpu *o = slot_cpu_at(i);
		if (o && o != c)
			view_show(o, v);
	}
}

static void hide_always_here(struct slot_cpu *c, struct view *v, u64 va)
{
	(void)va;
	view_hide(c, v);
	view_flush_everywhere(c);
}

void view_hide_always(struct slot_cpu *c, struct view *v)
{
	hide_always_here(c, v, 0);
	for (unsigned i = 0; i < VIEW_MAX_CPUS; i++) {
		struct slot_cpu *o = slot_cpu_at(i);
		if (o && o != c) {
			c->counters.shootdown_ipis++;
			slot_cpu_call(o, hide_always_here, v, 0);
		}
	}
	v->always = false;
}

void view_flush_everywhere(struct slot_cpu *c)
{
	if (FLUSH_IS(INVPCID)) {
		/* Every PCID's non-global entries, TLB and paging-structure
		 * caches (SDM 3A §4.10.4.1, INVPCID type 3): views keep their
		 * PCIDs, now empty. */
		tlb_invpcid(&c->counters, INVPCID_ALL, 0, 0);
	} else if (flush_uses_pcid()) {
		/* Every PCID handed out loses its owner: each view's next use
		 * takes a recycled PCID (below `used`), which the strategy
		 * flushes before use.  None is owned now, so handing out
		 * starts again from 1 and the next scan stays short. */
		for (unsigned p = 1; p < c->pcids.live; p++)
			if (c->pcids.owner[p])
				pcid_release(c, c->pcids.owner[p]);
		c->pcids.live = 1;
		c->pcids.next = 1;
		/* PCID 0 is the context with no view, which shows the views
		 * shown everywhere too: loading it with bit 63 clear flushes it
		 * (SDM 3A §4.10.4.1).  The current view's entry is hidden
		 * meanwhile (under PCID 0 it could be cached, §4.10.2.2), and
		 * comes back after its fresh PCID is loaded, flushed the same
		 * way - the order flush_pcid_switch() keeps. */
		view_hide(c, c->current);
		if (!FLUSH_BUGGY(FLUSH_BUG_KEEP_PCID0))
			tlb_write_cr3(&c->counters, c->pml4_phys);
		if (c->current) {
			tlb_write_cr3(&c->counters, c->pml4_phys |
				      pcid_of(c, c->current, &(enum pcid_grant){0}));
			view_show(c, c->current);
		}
		/* A CPU running on a view's own PML4 (an IPC server, a CR3-mode
		 * driver) goes back to it, under a fresh PCID - flushed, its
		 * old one went above - not on to this CPU's PML4, which would
		 * hand the thread another address space. */
		if (c->own)
			tlb_write_cr3(&c->counters, view_own_cr3(c, c->own));
	} else {
		/* PCIDE = 0: any CR3 write flushes every non-global entry;
		 * the one loaded stays loaded. */
		tlb_write_cr3(&c->counters, c->own ? vm_table_phys(c->own->tables)
						   : c->pml4_phys);
	}
}

u64 view_own_cr3(struct slot_cpu *c, struct view *v)
{
	u64 cr3 = vm_table_phys(v->tables);
	if (!flush_uses_pcid())
		return cr3;
	enum pcid_grant grant;
	cr3 |= pcid_own_of(c, v, &grant);
	return grant == PCID_KEPT ? cr3 | CR3_NOFLUSH : cr3;
}

const char *flush_name(void)
{
	static const char *const names[] = {"reload", "invlpg", "pcid", "invpcid"};
	return names[FLUSH];
}
