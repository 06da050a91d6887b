/*
 * view.h - views and the slot swap.
 *
 * A view is what one program sees of the lower half: exactly one PML4
 * entry (its slot), whose tables hang under a private PML4 page.  The
 * application slot is entry 0; a driver's slot is its own entry 1..255.
 * Each CPU runs on its own PML4 (upper half shared) and shows at most one
 * view at a time: view_switch() clears the outgoing view's entry, writes
 * the incoming one's and invalidates stale translations by the flush
 * strategy chosen at build time (flush.h).  No new CR3 root is ever
 * loaded: CR3 keeps pointing at the CPU's PML4 (only its PCID may change).
 *
 * Invariants (checked by the host TLB model, tests/host/test_tlb_model.c,
 * and on several CPUs tests/host/test_tlb_smp.c):
 *   - reload, invlpg: no translation of a view other than the current one
 *     is cached on a CPU (switching away invalidates everything the
 *     outgoing view may have cached);
 *   - pcid, invpcid: a view's translations are tagged with its PCID on
 *     that CPU; a PCID is flushed whenever it is given to a view, and a
 *     view whose mappings shrank while its PCID was not the one loaded
 *     (not current, or current while the CPU ran on a view's own PML4)
 *     loses its PCID (pcid) or has the pages invalidated by INVPCID
 *     (invpcid);
 *   - a view shown everywhere (view_show_always: a trusted or all-mapped
 *     driver's) is cached in any context, PCID 0 (no view) included: a
 *     page unmapped from it is invalidated in every context - CR3 reload
 *     (reload, invlpg), INVPCID type 3 (invpcid), or every PCID released
 *     and PCID 0 reloaded with bit 63 clear (pcid);
 *   - a PML4 entry of a view is present only while that view is current
 *     (or always, for a view shown everywhere).
 *
 * Several CPUs (issue 13, docs/smp.md): a view may be shown on several
 * CPUs' PML4s at once (each shows its own view; the tables are shared).
 * Whatever one CPU removes from a view, every other CPU that may cache a
 * translation of it is made to forget before the call returns - so
 * before the frame can be reused - and only those:
 *   - a CPU that uses the view now (shows it, runs on its own PML4 -
 *     loaded by view_enter_own or view_load_own, which record it in
 *     c->own - or it is shown everywhere) gets an IPI and runs the
 *     strategy's own rule for its state (unmapped_here);
 *   - a CPU that merely holds a PCID of it (pcid, invpcid) loses that
 *     PCID instead, lazily: the view's next use there takes a fresh,
 *     flushed one;
 *   - other CPUs cache nothing of it (reload and invlpg invalidate all
 *     of a view when they switch away from it).
 * Callers hold the big kernel lock, so no CPU's view state changes
 * meanwhile; the kernel provides slot_cpu_at() and slot_cpu_call().
 */
#ifndef SLOTGATE_VIEW_H
#define SLOTGATE_VIEW_H

#include "tlb.h"
#include "types.h"

#define VIEW_MAX_CPUS 8
/*
 * Past this many present pages, the invlpg strategy reloads CR3 instead of
 * invalidating page by page.  32 follows Linux's tlb_single_page_flush_ceiling
 * (33, arch/x86/mm/tlb.c); our own figure comes from the working-set
 * sweep on hardware (docs/flush-strategies.md).
 */
#define FLUSH_INVLPG_CEILING 32
#define PCID_MAX 4096 /* 12-bit PCIDs; 0 is the empty view's */

struct view {
	unsigned slot;  /* PML4 index this view fills */
	u64 *tables;    /* private PML4 page; entry [slot] is the view */
	u64 tracked[FLUSH_INVLPG_CEILING]; /* present pages while they fit */
	u32 tracked_count;
	bool untracked; /* more present pages than the ceiling: reload */
	u16 pcid[VIEW_MAX_CPUS]; /* this view's PCID on each CPU, 0 = none */
	u16 own_pcid[VIEW_MAX_CPUS]; /* ... on its own PML4 (view_own_cr3):
				  another one, since entries carry the PCID
				  and not the PML4 they came from (SDM 3A
				  §4.10.1), and the CPU's PML4 shows more */
	u32 pins;       /* frames mapped into a driver's window (window.h):
			   while non-zero, nothing may be unmapped */
	u16 io_base;    /* I/O ports ring 3 may use while this view is */
	u16 io_count;   /* shown (the UART driver's), 0 = none */
	bool always;    /* shown in every context (view_show_always) */
	u32 kept_pages; /* pages the kernel keeps mapped here for reuse (the
			   windows' copy areas, window.h): not leaks */
};

struct pcid_pool {
	u16 size;  /* PCIDs 1..size-1 are handed out */
	u16 next;  /* round robin: the next one to (re)assign */
	u16 used;  /* PCIDs 1..used-1 have been handed out since boot
		      (used == size once next has gone round) */
	u16 live;  /* every owned PCID is below it (view_flush_everywhere
		      scans 1..live-1 only, then starts again from 1) */
	struct view *owner[PCID_MAX];
	bool own_root[PCID_MAX]; /* the owner holds it in own_pcid */
};

struct slot_cpu {
	unsigned id;
	u64 *pml4;          /* this CPU's PML4 */
	u64 pml4_phys;
	struct view *current;
	struct view *own;   /* whose own PML4 CR3 holds, NULL: this CPU's */
	struct pcid_pool pcids;
	struct slot_counters counters;
};

/* Set up a CPU: @pcid_pool_size PCIDs (2..PCID_MAX) for the PCID
 * strategies.  Returns 0, or -E_NOSYS when the build's strategy needs a
 * feature (@has_pcid, @has_invpcid) the CPU lacks. */
int slot_cpu_init(struct slot_cpu *c, unsigned id, u64 *pml4, u64 pml4_phys,
		  unsigned pcid_pool_size, bool has_pcid, bool has_invpcid);

/* A new, empty view of @slot: 0 or -E_NOMEM. */
int view_init(struct view *v, unsigned slot);
/* Free every page and table of @v (leaf frames to @free_frame); @v must
 * not be current on any CPU.  Its PCIDs are released on every CPU. */
void view_destroy(struct slot_cpu *c, struct view *v, void (*free_frame)(u64));

/* Map / unmap one 4 KiB page of @v; unmapping invalidates the page by the
 * build's strategy, wherever @v is (current or not), and is refused with
 * -E_BUSY while @v has pinned frames.  A view's page tables stay until
 * view_destroy(). */
int view_map(struct view *v, u64 va, u64 pa, u64 flags);
int view_unmap(struct slot_cpu *c, struct view *v, u64 va, u64 *pa);
/* The same for a page that cannot be one the pins protect - a window page
 * (the pin's own mapping, or a bounce or copy-area page), or a page this
 * very call mapped - so it goes even while @v has pins: a driver passing
 * its own pages to itself pins the view its window lives in. */
int view_unmap_unpinned(struct slot_cpu *c, struct view *v, u64 va, u64 *pa);

/* PCIDs of @c's pool that some view owns (leak checks). */
unsigned pcid_owned(const struct slot_cpu *c);

/* The slot swap: show @to (NULL: an empty lower half) on CPU @c. */
void view_switch(struct slot_cpu *c, struct view *to);

/* A view shown in every context on every CPU, whatever view_switch()
 * does (a trusted driver): write its entry / remove it (and flush every
 * context of every CPU).  @c is this CPU's. */
void view_show_always(struct slot_cpu *c, struct view *v);
void view_hide_always(struct slot_cpu *c, struct view *v);
/* Invalidate every non-global translation of every context on @c; a CPU
 * running on a view's own PML4 stays there. */
void view_flush_everywhere(struct slot_cpu *c);

/* CR3 to run on @v's own PML4 page as a whole address space (the CR3
 * baseline; the page must hold the kernel half): with the view's PCID
 * and bit 63 where the build uses PCIDs (a fresh PCID is flushed). */
u64 view_own_cr3(struct slot_cpu *c, struct view *v);
/* slot_cpu_reload(): see flush.h. */

/* Provided by the kernel: CPU @i's slot state (NULL: no such CPU
 * online), and a call of @fn(@c, @v, @va) on the CPU @c belongs to, which
 * returns when it has run there. */
struct slot_cpu *slot_cpu_at(unsigned i);
void slot_cpu_call(struct slot_cpu *c, void (*fn)(struct slot_cpu *, struct view *, u64),
		   struct view *v, u64 va);

/* Provided by the kernel (a no-op on the host): the I/O ports of @from
 * are denied again and those of @to allowed, in CPU @c's TSS bitmap. */
void view_switch_ports(struct slot_cpu *c, struct view *from, struct view *to);

#endif
