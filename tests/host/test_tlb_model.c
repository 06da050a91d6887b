/*
 * test_tlb_model.c - the real slot code (slots/view.c, slots/flush_*.c)
 * run against the worst-case TLB model of Intel SDM vol. 3A §4.10
 * (tlb_model.c).
 *
 * A random driver plays one CPU: 3 threads (and an idle one showing no
 * view), each with an application view (slot 0) and a stack of nested
 * gate calls into 8 driver views (slots 1..8); preemption, pages mapped
 * and unmapped in current and other views, restarts (view_destroy +
 * view_init, on the same struct or another) and simulated use.  One
 * driver view is shown in every context (a trusted or all-mapped driver,
 * view_show_always): it is used from whatever context runs, and its
 * pages come and go like any other's.  11 views
 * share a pool of (mostly) 3 PCIDs, so PCIDs move between views all the
 * time.
 * After every step the model must find nothing usable that the tables
 * do not back (§4.10.4.2).  The negative cases turn on one deliberate
 * bug (FLUSH_BUG_*, slots/flush.h) and must be caught.  The model's own
 * rules are tested in test_tlb_rules.c.
 */
#include "arena.h"
#include "flush.h"
#include "htest.h"
#include "memlayout.h"
#include "tlb_model.h"
#include "view.h"
#include "vm.h"

#include <stdio.h>
#include <string.h>

#define SEEDS 20
#define STEPS 2000
#define NDRIVERS 8
#define NTHREADS 3          /* thread NTHREADS is the idle one: no view */
#define NVIEWS (NDRIVERS + NTHREADS)
#define ALWAYS 0            /* views[ALWAYS] is shown in every context */
#define MAX_DEPTH 8         /* nested gate calls */
#define PAGES 64            /* page universe of a view: 4 page tables */
/* PCID pool per seed: mostly 3 PCIDs for 11 views; 1 (every switch
 * recycles) and 15 (recycling only after a release) now and then. */
static const unsigned pcid_pool[] = {4, 2, 4, 16};
#define MODEL_FRAMES 1024
#define FRAME_BASE 0x40000000ull /* leaf frames: fake, never in the arena */

struct sim_view {
	struct view *v;
	struct view store[2]; /* a restart reuses the struct or takes the other */
	unsigned slot;
	u64 mapped;           /* shadow: which of the PAGES are mapped */
	u64 frame[PAGES];
	u16 last_pcid;
};

struct sim_thread {
	struct sim_view *stack[MAX_DEPTH + 1]; /* [0]: the thread's app view */
	int depth;
};

struct result {
	u64 steps, violations, access_errors, pml4_errors, pcid_losses, leaks;
	u64 seed, step;
	char first[640];
	struct slot_counters hw;
	struct tlb_model_stats model;
};

static struct {
	struct slot_cpu cpu;
	struct sim_view views[NVIEWS]; /* drivers, then the threads' apps */
	struct sim_thread threads[NTHREADS];
	int cur;
	u64 rng, next_frame, freed;
	char op[96];
	struct result *res;
} s;

static u64 rnd(u64 n)
{
	s.rng ^= s.rng >> 12;
	s.rng ^= s.rng << 25;
	s.rng ^= s.rng >> 27;
	return (s.rng * 0x2545f4914f6cdd1dull >> 33) % n;
}

static u64 page_va(unsigned slot, unsigned i)
{
	return slot_base(slot) + ((1ull + (i >> 5)) << 30) +
	       ((u64)(i >> 4 & 1) << 21) + ((u64)(i & 15) << 12);
}

static struct sim_view *cur_sim(void)
{
	if (s.cur == NTHREADS)
		return NULL;
	struct sim_thread *t = &s.threads[s.cur];
	return t->stack[t->depth];
}

static struct view *cur_view(void)
{
	struct sim_view *sv = cur_sim();
	return sv ? sv->v : NULL;
}

static void show_current(void) { view_switch(&s.cpu, cur_view()); }

static void op_call(void)
{
	struct sim_thread *t = &s.threads[s.cur];
	if (s.cur == NTHREADS || t->depth == MAX_DEPTH)
		return;
	unsigned d = (unsigned)rnd(NDRIVERS);
	if (d == ALWAYS)
		return; /* a gate into it switches nothing */
	snprintf(s.op, sizeof(s.op), "thread %d calls driver slot %u", s.cur,
		 s.views[d].slot);
	t->stack[++t->depth] = &s.views[d];
	show_current();
}

static void op_return(void)
{
	struct sim_thread *t = &s.threads[s.cur];
	if (s.cur == NTHREADS || t->depth == 0)
		return;
	snprintf(s.op, sizeof(s.op), "thread %d returns from slot %u", s.cur,
		 t->stack[t->depth]->slot);
	t->depth--;
	show_current();
}

static void op_preempt(void)
{
	s.cur = (s.cur + 1 + (int)rnd(NTHREADS)) % (NTHREADS + 1);
	snprintf(s.op, sizeof(s.op), "preempt to thread %d", s.cur);
	show_current();
}

static struct sim_view *pick_view(void)
{
	return cur_sim() && rnd(2) ? cur_sim() : &s.views[rnd(NVIEWS)];
}

/* Map a burst of pages (as a loader does) into one view. */
static void op_map(void)
{
	static const u64 flags[] = {VM_USER | VM_WRITE | VM_NX, VM_USER | VM_NX,
				    VM_USER, VM_USER | VM_WRITE};
	struct sim_view *sv = pick_view();
	for (u64 n = 1 + rnd(8); n; n--) {
		unsigned i = (unsigned)rnd(PAGES);
		if (sv->mapped & (1ull << i))
			continue;
		/* Now and then the old frame again with other rights
		 * (mprotect): a stale entry then differs only in rights. */
		u64 va = page_va(sv->slot, i), pa = sv->frame[i];
		if (!pa || rnd(4)) {
			pa = s.next_frame;
			s.next_frame += PAGE_SIZE;
		}
		snprintf(s.op, sizeof(s.op), "map %#llx in slot %u%s",
			 (unsigned long long)va, sv->slot,
			 sv == cur_sim() ? " (current)" : "");
		CHECK_EQ(view_map(sv->v, va, pa, flags[rnd(4)]), 0);
		sv->mapped |= 1ull << i;
		sv->frame[i] = pa;
	}
}

static void op_unmap(void)
{
	struct sim_view *sv = pick_view();
	for (u64 n = 1 + rnd(4); n; n--) {
		unsigned i = (unsigned)rnd(PAGES);
		u64 pa = 0, va = page_va(sv->slot, i);
		if (!(sv->mapped & (1ull << i)))
			continue;
		snprintf(s.op, sizeof(s.op), "unmap %#llx in slot %u%s",
			 (unsigned long long)va, sv->slot,
			 sv == cur_sim() ? " (current)" : "");
		CHECK_EQ(view_unmap(&s.cpu, sv->v, va, &pa), 0);
		CHECK_EQ(pa, sv->frame[i]);
		sv->mapped &= ~(1ull << i);
	}
}

static void count_freed(u64 pa)
{
	(void)pa;
	s.freed++;
}

static void restart(struct sim_view *sv)
{
	u64 before = s.freed;
	bool always = sv == &s.views[ALWAYS];
	if (always)
		view_hide_always(&s.cpu, sv->v);
	view_destroy(&s.cpu, sv->v, count_freed);
	CHECK_EQ(s.freed - before, (u64)__builtin_popcountll(sv->mapped));
	sv->mapped = 0;
	sv->v = &sv->store[rnd(2)];
	CHECK_EQ(view_init(sv->v, sv->slot), 0);
	if (always)
		view_show_always(&s.cpu, sv->v);
}

/* Restart a view the current thread is not using; other threads' calls
 * into it are abandoned (their stacks cut below it). */
static void op_restart(void)
{
	struct sim_view *sv = &s.views[rnd(NVIEWS)];
	if (s.cur != NTHREADS)
		for (int d = 0; d <= s.threads[s.cur].depth; d++)
			if (s.threads[s.cur].stack[d] == sv)
				return;
	snprintf(s.op, sizeof(s.op), "restart slot %u (view %ld)", sv->slot,
		 (long)(sv - s.views));
	for (int t = 0; t < NTHREADS; t++) {
		for (int d = 0; d <= s.threads[t].depth; d++) {
			if (s.threads[t].stack[d] == sv) {
				s.threads[t].depth = d ? d - 1 : 0;
				break;
			}
		}
	}
	restart(sv);
}

static void op_access(void)
{
	/* The view shown everywhere is reachable from every context. */
	struct sim_view *sv = !cur_sim() || !rnd(3) ? &s.views[ALWAYS] : cur_sim();
	for (u64 n = 1 + rnd(4); n; n--) {
		unsigned i = (unsigned)rnd(PAGES);
		bool mapped = sv->mapped & (1ull << i);
		u64 pa = 0, va = page_va(sv->slot, i);
		snprintf(s.op, sizeof(s.op), "access %#llx in slot %u",
			 (unsigned long long)va, sv->slot);
		if (tlb_model_access(va, &pa) != mapped || (mapped && pa != sv->frame[i]))
			s.res->access_errors++;
	}
}

/* view.h: a view's PML4 entry is present only while it is current. */
static bool pml4_ok(void)
{
	struct view *v = cur_view(), *a = s.views[ALWAYS].v;
	for (unsigned i = 0; i < KERNEL_FIRST_PML4; i++) {
		u64 want = v && v->slot == i ? v->tables[i] : a->slot == i ? a->tables[i] : 0;
		if (s.cpu.pml4[i] != want)
			return false;
	}
	return s.cpu.current == v;
}

static void step(void)
{
	u64 r = rnd(100);
	s.op[0] = 0;
	if (r < 20)
		op_call();
	else if (r < 38)
		op_return();
	else if (r < 46)
		op_preempt();
	else if (r < 62)
		op_map();
	else if (r < 84)
		op_unmap();
	else if (r < 86)
		op_restart();
	else
		op_access();
}

static void add_counters(struct slot_counters *a, const struct slot_counters *b)
{
	a->cr3_writes += b->cr3_writes;
	a->invlpgs += b->invlpgs;
	a->invpcids += b->invpcids;
	a->pml4e_writes += b->pml4e_writes;
}

static void add_stats(struct tlb_model_stats *a, const struct tlb_model_stats *b)
{
	a->cr3_noflush += b->cr3_noflush;
	a->accesses += b->accesses;
	a->tlb_fills += b->tlb_fills;
	a->ps_fills += b->ps_fills;
	a->tlb_drops += b->tlb_drops;
	a->ps_drops += b->ps_drops;
	a->max_tlb = MAX(a->max_tlb, b->max_tlb);
	a->max_ps = MAX(a->max_ps, b->max_ps);
}

/* One seed; false once a violation is found and @stop. */
static bool run_seed(u64 seed, bool stop)
{
	struct result *res = s.res;
	arena_reset(MODEL_FRAMES);
	memset(&s, 0, sizeof(s));
	s.res = res;
	s.rng = seed * 0x9e3779b97f4a7c15ull | 1;
	s.next_frame = FRAME_BASE;
	u64 pml4 = vm_table_alloc();
	CHECK_EQ(slot_cpu_init(&s.cpu, 0, vm_table_virt(pml4), pml4,
			       pcid_pool[seed % 4], true, true), 0);
	tlb_model_reset(pml4, flush_uses_pcid());
	for (unsigned i = 0; i < NVIEWS; i++) {
		struct sim_view *sv = &s.views[i];
		sv->slot = i < NDRIVERS ? FIRST_DRIVER_SLOT + i : APP_SLOT;
		sv->v = &sv->store[0];
		CHECK_EQ(view_init(sv->v, sv->slot), 0);
		if (i >= NDRIVERS)
			s.threads[i - NDRIVERS].stack[0] = sv;
	}
	view_show_always(&s.cpu, s.views[ALWAYS].v);
	s.cur = NTHREADS;
	bool clean = true;
	for (u64 n = 0; n < STEPS && clean; n++) {
		step();
		res->steps++;
		const char *v = tlb_model_check();
		if (v) {
			if (!res->violations++) {
				res->seed = seed;
				res->step = n;
				snprintf(res->first, sizeof(res->first), "%s: %s",
					 s.op, v);
			}
			clean = !stop;
		}
		res->pml4_errors += !pml4_ok();
		for (unsigned i = 0; i < NVIEWS; i++) {
			u16 p = s.views[i].v->pcid[0];
			res->pcid_losses += s.views[i].last_pcid && !p;
			s.views[i].last_pcid = p;
		}
	}
	/* Tear down: everything the views took goes back. */
	s.cur = NTHREADS;
	show_current();
	view_hide_always(&s.cpu, s.views[ALWAYS].v);
	for (unsigned i = 0; i < NVIEWS; i++)
		view_destroy(&s.cpu, s.views[i].v, count_freed);
	res->leaks += arena_core.allocated != 1; /* only the CPU's PML4 */
	res->leaks += pcid_owned(&s.cpu) != 0;
	const struct tlb_model_stats *st = tlb_model_stats();
	CHECK_EQ(st->cr3_writes, s.cpu.counters.cr3_writes);
	CHECK_EQ(st->invlpgs, s.cpu.counters.invlpgs);
	CHECK_EQ(st->invpcids, s.cpu.counters.invpcids);
	CHECK_EQ(st->pml4e_writes, s.cpu.counters.pml4e_writes);
	add_counters(&res->hw, &s.cpu.counters);
	add_stats(&res->model, st);
	return clean;
}

static void run(enum flush_kind kind, unsigned bugs, struct result *res, bool stop)
{
	memset(res, 0, sizeof(*res));
	flush_host_kind = kind;
	flush_host_bugs = bugs;
	s.res = res;
	for (u64 seed = 1; seed <= SEEDS; seed++)
		if (!run_seed(seed, stop))
			break;
	flush_host_bugs = 0;
}

static void positive(enum flush_kind kind)
{
	struct result r;
	run(kind, 0, &r, false);
	printf("    # %s: %llu steps checked; cr3 %llu (bit 63: %llu), invlpg %llu, "
	       "invpcid %llu, pml4e %llu; %llu TLB / %llu PS fills, "
	       "peak %llu / %llu live; %llu PCIDs lost\n",
	       flush_name(), (unsigned long long)r.steps,
	       (unsigned long long)r.hw.cr3_writes,
	       (unsigned long long)r.model.cr3_noflush,
	       (unsigned long long)r.hw.invlpgs, (unsigned long long)r.hw.invpcids,
	       (unsigned long long)r.hw.pml4e_writes,
	       (unsigned long long)r.model.tlb_fills,
	       (unsigned long long)r.model.ps_fills,
	       (unsigned long long)r.model.max_tlb,
	       (unsigned long long)r.model.max_ps,
	       (unsigned long long)r.pcid_losses);
	if (r.violations)
		printf("    # seed %llu step %llu: %s\n", (unsigned long long)r.seed,
		       (unsigned long long)r.step, r.first);
	CHECK_EQ(r.violations, 0);
	CHECK_EQ(r.steps, SEEDS * STEPS);
	CHECK_EQ(r.access_errors, 0);
	CHECK_EQ(r.pml4_errors, 0);
	CHECK_EQ(r.leaks, 0);
	CHECK(r.hw.pml4e_writes > 0 && r.model.accesses > 0);
	CHECK(r.model.tlb_fills > 0 && r.model.ps_fills > 0);
	CHECK(r.model.tlb_drops > 0 && r.model.ps_drops > 0);
	CHECK(r.hw.invlpgs > 0); /* pages unmapped from the current view */
	if (kind == FLUSH_RELOAD || kind == FLUSH_INVLPG) {
		CHECK(r.hw.cr3_writes > 0); /* invlpg: views past the ceiling */
		CHECK_EQ(r.model.cr3_noflush, 0);
		CHECK_EQ(r.hw.invpcids, 0);
		CHECK_EQ(r.pcid_losses, 0);
	}
	if (kind == FLUSH_INVLPG) /* mostly INVLPG, some reloads */
		CHECK(r.hw.invlpgs > 4 * r.hw.cr3_writes);
	if (kind == FLUSH_PCID) {
		CHECK(r.model.cr3_noflush > 0);
		CHECK(r.hw.cr3_writes > r.model.cr3_noflush); /* fresh PCIDs */
		CHECK_EQ(r.hw.invpcids, 0);
	}
	if (kind == FLUSH_INVPCID) {
		CHECK_EQ(r.model.cr3_noflush, r.hw.cr3_writes);
		CHECK(r.hw.invpcids > 0);
	}
	if (kind == FLUSH_PCID || kind == FLUSH_INVPCID)
		CHECK(r.pcid_losses > 0); /* PCIDs recycled between views */
}

static void negative(enum flush_kind kind, unsigned bug)
{
	struct result r;
	run(kind, bug, &r, true);
	if (r.violations)
		printf("    # %s caught at seed %llu step %llu: %s\n", flush_name(),
		       (unsigned long long)r.seed, (unsigned long long)r.step,
		       r.first);
	else
		printf("    # %s: bug %#x not caught in %llu steps\n", flush_name(),
		       bug, (unsigned long long)r.steps);
	CHECK(r.violations > 0);
	CHECK_EQ(r.leaks, 0);
}

HTEST(tlb_model_reload) { positive(FLUSH_RELOAD); }
HTEST(tlb_model_invlpg) { positive(FLUSH_INVLPG); }
HTEST(tlb_model_pcid) { positive(FLUSH_PCID); }
HTEST(tlb_model_invpcid) { positive(FLUSH_INVPCID); }

HTEST(tlb_model_catches_dropped_invlpg)
{
	negative(FLUSH_INVLPG, FLUSH_BUG_DROP_INVLPG);
}
HTEST(tlb_model_catches_no_reuse_flush)
{
	negative(FLUSH_PCID, FLUSH_BUG_NO_REUSE_FLUSH);
}
HTEST(tlb_model_catches_noflush_bit)
{
	negative(FLUSH_PCID, FLUSH_BUG_NOFLUSH_ALWAYS);
}
HTEST(tlb_model_catches_stale_pcid)
{
	negative(FLUSH_PCID, FLUSH_BUG_KEEP_STALE_PCID);
}
HTEST(tlb_model_catches_entry_first)
{
	negative(FLUSH_PCID, FLUSH_BUG_ENTRY_FIRST);
}
HTEST(tlb_model_catches_pcid0_kept)
{
	negative(FLUSH_PCID, FLUSH_BUG_KEEP_PCID0);
}
HTEST(tlb_model_catches_invpcid_no_reuse_flush)
{
	negative(FLUSH_INVPCID, FLUSH_BUG_NO_REUSE_FLUSH);
}
HTEST(tlb_model_catches_invpcid_stale)
{
	negative(FLUSH_INVPCID, FLUSH_BUG_KEEP_STALE_PCID);
}
