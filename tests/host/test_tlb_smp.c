/*
 * test_tlb_smp.c - the real slot and shootdown code (slots/view.c,
 * slots/flush*) run on 2 and 3 CPUs of the worst-case TLB model of Intel
 * SDM vol. 3A §4.10 (tlb_model.c: one TLB per CPU).
 *
 * Each CPU has its own struct slot_cpu, PML4 and model TLB, and runs one
 * of 4 threads (or none: idle).  A thread has an application view (slot
 * 0) and a stack of nested gate calls into 5 slot drivers (view_switch)
 * and 2 CR3-mode drivers (their own PML4 in CR3, never shown in a CPU's
 * PML4); one more slot driver is shown everywhere (view_show_always).
 * Threads are preempted and moved to other CPUs; pages are mapped and
 * unmapped, and drivers restarted (view_destroy + view_init), from any
 * CPU while others show the same view or run on its own PML4.  What a
 * kernel path does around the slot calls (thread.c's switch_to,
 * gate_core.h's gate_switch_into/back, gate.c's general cases) is
 * mirrored here step by step; the slot calls themselves are the real ones.
 *
 * view.c reaches the other CPUs through view.h's hooks (arena.h):
 * slot_cpu_call(o, fn, ...) selects model CPU o, runs fn there and selects
 * the caller back - an IPI and its acknowledgement.
 *
 * A frame an unmap frees is handed out again at once (last freed, first
 * reused), so a stale translation on another CPU would reach a page that
 * now belongs to another mapping: the model is checked when a frame is
 * reused, and after every step (every CPU speculating first, §4.10.2.2).
 * The negative cases turn on a broken shootdown (FLUSH_BUG_SKIP_CPU,
 * _FORGET_LAZY, _NO_ACK in slots/flush.h) and must be caught.
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

#define SEEDS 5
#define STEPS 1200
#define MAX_CPUS 3
#define NSLOT 6     /* slot drivers; views[ALWAYS] is shown everywhere */
#define NCR3 2      /* CR3-mode drivers: views NSLOT.. */
#define NTHREADS 4  /* their applications: views NSLOT + NCR3.. */
#define NVIEWS (NSLOT + NCR3 + NTHREADS)
#define ALWAYS 0
#define MAX_DEPTH 6
#define PAGES 64 /* page universe of a view: 4 page tables */
#define MODEL_FRAMES 1024
#define FRAME_BASE 0x40000000ull /* leaf frames: fake, never in the arena */
#define MAX_FRAMES (NVIEWS * PAGES)
/* PCIDs per CPU: 1 (every new use recycles), 3 (most seeds), 15. */
static const unsigned pcid_pool[] = {4, 2, 4, 16};

struct sim_view {
	struct view *v;
	struct view store[2]; /* a restart reuses the struct or takes the other */
	unsigned slot;
	bool cr3_mode;
	u64 mapped; /* shadow: which of the PAGES are mapped, to which frame */
	u64 frame[PAGES];
};

/* What a thread runs on at one call depth: the view its CPU's PML4 shows
 * (thread.h's view), and the CR3-mode driver whose own PML4 CR3 holds
 * (the thread's own; NULL: the CPU's PML4). */
struct level {
	struct sim_view *shown, *own;
};

struct sim_thread {
	struct level lv[MAX_DEPTH + 1]; /* [0]: its application */
	int depth;
	int cpu;  /* where it runs, -1: waiting */
	int last; /* where it ran last, -1: never */
	u64 cr3;  /* thread.h's cr3: own's CR3, kept for view_load_own */
	bool unwound; /* calls cut while it waited: cr3 is for another own */
};

struct smp_result {
	u64 steps, violations, access_errors, state_errors, count_errors, leaks;
	u64 migrations, reuses, restarts, own_calls, own_ipis;
	u64 ipis, received, lazy, cr3_writes, invlpgs, invpcids;
	u64 seed, step;
	bool first_at_reuse; /* the first violation was found reusing a frame */
	char first[768];
};

static struct {
	unsigned ncpus;
	struct slot_cpu cpu[MAX_CPUS];
	int running[MAX_CPUS]; /* thread index, -1: idle */
	struct sim_view views[NVIEWS];
	struct sim_thread threads[NTHREADS];
	u64 rng, next_frame, free[MAX_FRAMES];
	unsigned nfree;
	char op[128];
	u64 seed, step;
	struct smp_result *res;
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

static struct view *view_of(struct sim_view *sv) { return sv ? sv->v : NULL; }

static void violation(const char *where, const char *what)
{
	struct smp_result *r = s.res;
	if (r->violations++)
		return;
	r->seed = s.seed;
	r->step = s.step;
	r->first_at_reuse = where[0] != 0;
	snprintf(r->first, sizeof(r->first), "%s: %s%s", s.op, where, what);
}

/* --- view.h's SMP hooks over the model's CPUs ---------------------------- */

static struct slot_cpu *smp_cpu_at(unsigned i) { return i < s.ncpus ? &s.cpu[i] : NULL; }

/* The IPI: @fn runs on @o's model CPU; returning is the acknowledgement. */
static void smp_cpu_call(struct slot_cpu *o, void (*fn)(struct slot_cpu *, struct view *, u64),
			 struct view *v, u64 va)
{
	unsigned caller = tlb_model_select_cpu(o->id);
	s.res->own_ipis += o->own == v; /* it runs on @v's own PML4 */
	fn(o, v, va);
	tlb_model_select_cpu(caller);
}

/* Run on CPU @i from now on: the model's hooks act there. */
static struct slot_cpu *on(unsigned i)
{
	tlb_model_select_cpu(i);
	return &s.cpu[i];
}

/* --- frames: the last freed is the first handed out again ----------------- */

static void free_frame(u64 pa) { s.free[s.nfree++] = pa; }

static u64 alloc_frame(void)
{
	if (!s.nfree) {
		s.next_frame += PAGE_SIZE;
		return s.next_frame;
	}
	u64 pa = s.free[--s.nfree];
	/* Whoever gets it now may write it: no CPU may still reach it
	 * through a translation the tables no longer hold. */
	char where[64];
	const char *v = tlb_model_check();
	s.res->reuses++;
	snprintf(where, sizeof(where), "frame %#llx reused: ", (unsigned long long)pa);
	if (v)
		violation(where, v);
	return pa;
}

/* --- what the kernel does around the slot calls --------------------------- */

static struct level *top(struct sim_thread *t) { return &t->lv[t->depth]; }

/* gate_core.h's gate_enter_own_space(): @x's own PML4 into CR3. */
static void enter_own_space(struct slot_cpu *c, struct sim_thread *t, struct sim_view *x)
{
	t->cr3 = view_enter_own(c, x->v);
}

/* gate_switch_into(), thread @t on CPU @c calling driver @d. */
static void gate_into(struct slot_cpu *c, struct sim_thread *t, struct sim_view *d)
{
	struct level *from = top(t), *to = &t->lv[++t->depth];
	if (from->own)
		slot_cpu_reload(c); /* the general case: leave own first */
	if (d == &s.views[ALWAYS]) {
		/* gate_switch_into_general(): a driver shown everywhere is
		 * only on this CPU's PML4, and sees the caller's own memory
		 * there - a CR3-mode view shown in a CPU's PML4. */
		*to = (struct level){from->own ? from->own : from->shown, NULL};
		if (from->own)
			view_switch(c, from->own->v);
		return;
	}
	if (d->cr3_mode) {
		s.res->own_calls++;
		*to = (struct level){from->shown, d};
		enter_own_space(c, t, d);
	} else {
		*to = (struct level){d, NULL};
		view_switch(c, d->v);
	}
}

/* gate_switch_back(): back from the innermost call to its caller. */
static void gate_back(struct slot_cpu *c, struct sim_thread *t)
{
	struct level *from = top(t), *to = &t->lv[--t->depth];
	if (from->own && from->own != to->own)
		slot_cpu_reload(c);
	view_switch(c, view_of(to->shown));
	if (to->own && to->own != from->own) {
		t->cr3 = view_own_cr3(c, to->own->v); /* gate.c: PCID may be gone */
		view_load_own(c, to->own->v, &t->cr3);
	}
}

/* thread.c's switch_to(): CPU @i leaves its thread for thread @n (-1:
 * its idle thread, which shows no view). */
static void switch_to(unsigned i, int n)
{
	struct slot_cpu *c = on(i);
	int p = s.running[i];
	struct level idle = {0}, *next = n < 0 ? &idle : top(&s.threads[n]);

	if (p >= 0) {
		s.threads[p].cpu = -1;
		s.threads[p].last = (int)i;
		if (top(&s.threads[p])->own)
			slot_cpu_reload(c);
	}
	if (n >= 0) {
		s.res->migrations += s.threads[n].last >= 0 && s.threads[n].last != (int)i;
		s.threads[n].cpu = (int)i;
	}
	s.running[i] = n;
	view_switch(c, view_of(next->shown));
	if (n < 0)
		return;
	struct sim_thread *t = &s.threads[n];
	bool unwound = t->unwound;
	t->unwound = false;
	if (!next->own)
		return;
	if (unwound) /* its frames' unwinding ends as gate_back's does */
		t->cr3 = view_own_cr3(c, next->own->v);
	view_load_own(c, next->own->v, &t->cr3);
}

/* --- the random operations ----------------------------------------------- */

static int pick_cpu_with_thread(void)
{
	unsigned i = (unsigned)rnd(s.ncpus);
	return s.running[i] >= 0 ? (int)i : -1;
}

static void op_call(void)
{
	int i = pick_cpu_with_thread();
	if (i < 0)
		return;
	struct sim_thread *t = &s.threads[s.running[i]];
	unsigned d = (unsigned)rnd(NSLOT + NCR3); /* ALWAYS too: from a
						     CR3-mode driver it shows
						     that driver's view */
	if (t->depth == MAX_DEPTH)
		return;
	snprintf(s.op, sizeof(s.op), "cpu %d: thread %d calls %s driver slot %u", i,
		 s.running[i], s.views[d].cr3_mode ? "CR3-mode" : d == ALWAYS ?
		 "always-shown" : "slot", s.views[d].slot);
	gate_into(on((unsigned)i), t, &s.views[d]);
}

static void op_return(void)
{
	int i = pick_cpu_with_thread();
	if (i < 0 || s.threads[s.running[i]].depth == 0)
		return;
	snprintf(s.op, sizeof(s.op), "cpu %d: thread %d returns", i, s.running[i]);
	gate_back(on((unsigned)i), &s.threads[s.running[i]]);
}

/* CPU i switches to a waiting thread (moving it there if it last ran
 * elsewhere) or to its idle thread. */
static void op_schedule(void)
{
	unsigned i = (unsigned)rnd(s.ncpus);
	int n = (int)rnd(NTHREADS + 1) - 1;
	if (n == s.running[i] || (n >= 0 && s.threads[n].cpu >= 0))
		return;
	snprintf(s.op, sizeof(s.op), "cpu %u: switch to thread %d%s", i, n,
		 n >= 0 && s.threads[n].last >= 0 && s.threads[n].last != (int)i
			 ? " (moved here)" : "");
	switch_to(i, n);
}

static void map_one(struct sim_view *sv, unsigned page)
{
	static const u64 flags[] = {VM_USER | VM_WRITE | VM_NX, VM_USER | VM_NX,
				    VM_USER, VM_USER | VM_WRITE};
	u64 pa = alloc_frame();
	CHECK_EQ(view_map(sv->v, page_va(sv->slot, page), pa, flags[rnd(4)]), 0);
	sv->mapped |= 1ull << page;
	sv->frame[page] = pa;
}

/* Map a page at a random free place of some view: false if it found none. */
static bool map_somewhere(void)
{
	for (int tries = 0; tries < 8; tries++) {
		struct sim_view *sv = &s.views[rnd(NVIEWS)];
		unsigned page = (unsigned)rnd(PAGES);
		if (!(sv->mapped & (1ull << page))) {
			map_one(sv, page);
			return true;
		}
	}
	return false;
}

static void op_map(void)
{
	on((unsigned)rnd(s.ncpus)); /* a map needs no CPU; any may do it */
	snprintf(s.op, sizeof(s.op), "map pages");
	for (u64 n = 1 + rnd(8); n; n--)
		map_somewhere();
}

/* Is @sv in use on CPU @i (view.c's in_use_on): shown there, or its own
 * PML4 loaded? */
static bool used_on(unsigned i, const struct sim_view *sv)
{
	int t = s.running[i];
	if (sv == &s.views[ALWAYS])
		return true;
	if (t < 0)
		return false;
	const struct level *l = top(&s.threads[t]);
	return l->shown == sv || l->own == sv;
}

/* Half the time a view in use on another CPU than @i (a shootdown's
 * target), else any. */
static struct sim_view *pick_unmap_view(unsigned i)
{
	for (int tries = 0; tries < 4 && rnd(2); tries++) {
		struct sim_view *sv = &s.views[rnd(NVIEWS)];
		for (unsigned o = 0; o < s.ncpus; o++)
			if (o != i && used_on(o, sv))
				return sv;
	}
	return &s.views[rnd(NVIEWS)];
}

/* CPU i unmaps pages of a view; each frame goes at once to a new page
 * (a busy allocator: the last frame freed is the next handed out). */
static void op_unmap(void)
{
	unsigned i = (unsigned)rnd(s.ncpus);
	struct sim_view *sv = pick_unmap_view(i);
	for (u64 n = 1 + rnd(4); n; n--) {
		unsigned page = (unsigned)rnd(PAGES);
		u64 pa = 0, va = page_va(sv->slot, page);
		if (!(sv->mapped & (1ull << page)))
			continue;
		snprintf(s.op, sizeof(s.op), "cpu %u: unmap %#llx in slot %u", i,
			 (unsigned long long)va, sv->slot);
		CHECK_EQ(view_unmap(on(i), sv->v, va, &pa), 0);
		CHECK_EQ(pa, sv->frame[page]);
		sv->mapped &= ~(1ull << page);
		free_frame(pa);
		map_somewhere();
	}
}

/* Is @sv anywhere in thread @t's calls (level >= @from)?  The first depth. */
static int depth_of(const struct sim_thread *t, const struct sim_view *sv, int from)
{
	for (int d = from; d <= t->depth; d++)
		if (t->lv[d].shown == sv || t->lv[d].own == sv)
			return d;
	return -1;
}

/* Every call into @sv ends (a restart unwinds them): on the CPU where its
 * thread runs, or - a waiting thread - when it runs next (switch_to); a
 * thread whose application it is must be waiting. */
static bool unwind_users(struct sim_view *sv)
{
	for (int n = 0; n < NTHREADS; n++)
		if (s.threads[n].lv[0].shown == sv && s.threads[n].cpu >= 0)
			return false;
	for (int n = 0; n < NTHREADS; n++) {
		struct sim_thread *t = &s.threads[n];
		int d = depth_of(t, sv, 1);
		if (d < 0)
			continue;
		if (t->cpu < 0) {
			t->depth = d - 1;
			t->unwound = true;
		} else
			while (t->depth >= d)
				gate_back(on((unsigned)t->cpu), t);
	}
	return true;
}

/* CPU i restarts a view: its users leave it first (the kernel's restart
 * waits for them), then it goes and comes back empty. */
static void op_restart(void)
{
	unsigned i = (unsigned)rnd(s.ncpus);
	struct sim_view *sv = &s.views[rnd(NVIEWS)];
	bool always = sv == &s.views[ALWAYS];
	if (!unwind_users(sv))
		return;
	snprintf(s.op, sizeof(s.op), "cpu %u: restart slot %u (view %ld)", i, sv->slot,
		 (long)(sv - s.views));
	struct slot_cpu *c = on(i);
	s.res->restarts++;
	if (always)
		view_hide_always(c, sv->v);
	view_destroy(c, sv->v, free_frame);
	sv->mapped = 0;
	sv->v = &sv->store[rnd(2)];
	CHECK_EQ(view_init(sv->v, sv->slot), 0);
	if (always)
		view_show_always(c, sv->v);
}

/* A running thread touches pages of what it sees: its own PML4's view,
 * or the view its CPU shows and the one shown everywhere. */
static void op_access(void)
{
	int i = pick_cpu_with_thread();
	if (i < 0)
		return;
	const struct level *l = top(&s.threads[s.running[i]]);
	struct sim_view *sv = l->own ? l->own : rnd(3) ? l->shown : &s.views[ALWAYS];
	on((unsigned)i);
	for (u64 n = 1 + rnd(4); n; n--) {
		unsigned page = (unsigned)rnd(PAGES);
		bool mapped = sv->mapped & (1ull << page);
		u64 pa = 0, va = page_va(sv->slot, page);
		snprintf(s.op, sizeof(s.op), "cpu %d: access %#llx in slot %u", i,
			 (unsigned long long)va, sv->slot);
		if (tlb_model_access(va, &pa) != mapped || (mapped && pa != sv->frame[page]))
			s.res->access_errors++;
	}
}

static void step(void)
{
	u64 r = rnd(100);
	s.op[0] = 0;
	if (r < 20)
		op_call();
	else if (r < 36)
		op_return();
	else if (r < 48)
		op_schedule();
	else if (r < 58)
		op_map();
	else if (r < 84)
		op_unmap();
	else if (r < 87)
		op_restart();
	else
		op_access();
}

/* --- the checks between steps --------------------------------------------- */

/* CPU @i is in the state its thread's calls say (view.h): the view shown
 * and the own PML4, the lower half of its PML4, and CR3 with the PCID. */
static bool cpu_ok(unsigned i)
{
	struct slot_cpu *c = &s.cpu[i];
	struct level idle = {0}, *l = s.running[i] < 0 ? &idle : top(&s.threads[s.running[i]]);
	struct view *shown = view_of(l->shown), *own = view_of(l->own), *a = s.views[ALWAYS].v;

	for (unsigned e = 0; e < KERNEL_FIRST_PML4; e++) {
		u64 want = shown && shown->slot == e ? shown->tables[e]
			 : a->slot == e ? a->tables[e] : 0;
		if (c->pml4[e] != want)
			return false;
	}
	tlb_model_select_cpu(i);
	u64 cr3 = own ? vm_table_phys(own->tables) : c->pml4_phys;
	if (flush_uses_pcid())
		cr3 |= own ? own->own_pcid[i] : shown ? shown->pcid[i] : 0;
	return c->current == shown && c->own == own && tlb_model_cr3() == cr3;
}

static void check_step(void)
{
	tlb_model_speculate_all(); /* every CPU runs between steps */
	const char *v = tlb_model_check();
	if (v)
		violation("", v);
	for (unsigned i = 0; i < s.ncpus; i++)
		s.res->state_errors += !cpu_ok(i);
}

/* --- one seed ------------------------------------------------------------- */

static void setup(u64 seed, unsigned ncpus)
{
	struct smp_result *res = s.res;
	arena_reset(MODEL_FRAMES);
	memset(&s, 0, sizeof(s));
	s.res = res;
	s.seed = seed;
	s.ncpus = ncpus;
	s.rng = seed * 0x9e3779b97f4a7c15ull | 1;
	s.next_frame = FRAME_BASE;
	for (unsigned i = 0; i < ncpus; i++) {
		u64 pml4 = vm_table_alloc();
		CHECK_EQ(slot_cpu_init(&s.cpu[i], i, vm_table_virt(pml4), pml4,
				       pcid_pool[seed % 4], true, true), 0);
		if (i == 0)
			tlb_model_reset(pml4, flush_uses_pcid());
		else
			CHECK_EQ(tlb_model_add_cpu(pml4, flush_uses_pcid()), i);
		s.running[i] = -1;
	}
	for (unsigned i = 0; i < NVIEWS; i++) {
		struct sim_view *sv = &s.views[i];
		sv->slot = i < NSLOT + NCR3 ? FIRST_DRIVER_SLOT + i : APP_SLOT;
		sv->cr3_mode = i >= NSLOT && i < NSLOT + NCR3;
		sv->v = &sv->store[0];
		CHECK_EQ(view_init(sv->v, sv->slot), 0);
	}
	for (int n = 0; n < NTHREADS; n++) {
		s.threads[n].lv[0].shown = &s.views[NSLOT + NCR3 + n];
		s.threads[n].cpu = s.threads[n].last = -1;
	}
	view_show_always(on(0), s.views[ALWAYS].v);
}

static void add_counters(const struct slot_cpu *c)
{
	struct smp_result *r = s.res;
	r->ipis += c->counters.shootdown_ipis;
	r->received += c->counters.shootdowns_received;
	r->lazy += c->counters.lazy_invalidations;
	r->cr3_writes += c->counters.cr3_writes;
	r->invlpgs += c->counters.invlpgs;
	r->invpcids += c->counters.invpcids;
}

/* Every CPU idle, every view gone: nothing left behind; and each CPU's
 * CR3 writes and invalidations happened on that CPU's model (the IPIs
 * ran where they were sent). */
static void teardown(void)
{
	u64 pml4e = 0, model_pml4e = 0;
	for (unsigned i = 0; i < s.ncpus; i++)
		switch_to(i, -1);
	view_hide_always(on(0), s.views[ALWAYS].v);
	for (unsigned i = 0; i < NVIEWS; i++)
		view_destroy(on((unsigned)rnd(s.ncpus)), s.views[i].v, free_frame);
	s.res->leaks += arena_core.allocated != s.ncpus; /* the CPUs' PML4s */
	for (unsigned i = 0; i < s.ncpus; i++) {
		const struct slot_counters *n = &s.cpu[i].counters;
		on(i);
		const struct tlb_model_stats *st = tlb_model_stats();
		s.res->leaks += pcid_owned(&s.cpu[i]) != 0;
		s.res->count_errors += st->cr3_writes != n->cr3_writes ||
				       st->invlpgs != n->invlpgs ||
				       st->invpcids != n->invpcids;
		pml4e += n->pml4e_writes;
		model_pml4e += st->pml4e_writes;
		add_counters(&s.cpu[i]);
	}
	s.res->count_errors += pml4e != model_pml4e;
}

static bool run_seed(u64 seed, unsigned ncpus, bool stop)
{
	setup(seed, ncpus);
	for (s.step = 0; s.step < STEPS; s.step++) {
		step();
		s.res->steps++;
		check_step();
		if (stop && s.res->violations)
			break;
	}
	teardown();
	return !(stop && s.res->violations);
}

static void run(enum flush_kind kind, unsigned bugs, unsigned ncpus,
		struct smp_result *res, bool stop)
{
	memset(res, 0, sizeof(*res));
	flush_host_kind = kind;
	flush_host_bugs = bugs;
	arena_slot_cpu_at = smp_cpu_at;
	arena_slot_cpu_call = smp_cpu_call;
	s.res = res;
	for (u64 seed = 1; seed <= SEEDS; seed++)
		if (!run_seed(seed, ncpus, stop))
			break;
	arena_slot_cpu_at = NULL;
	arena_slot_cpu_call = NULL;
	flush_host_bugs = 0;
	tlb_model_reset(0, false); /* back to one CPU for the other tests */
}

/* --- the cases ------------------------------------------------------------ */

static void positive(enum flush_kind kind, unsigned ncpus)
{
	struct smp_result r;
	run(kind, 0, ncpus, &r, false);
	printf("    # %s, %u CPUs: %llu steps checked; %llu moves, %llu restarts, "
	       "%llu CR3-mode calls, %llu frames reused; shootdown IPIs %llu "
	       "(received %llu, %llu on an own PML4), lazy %llu; cr3 %llu, "
	       "invlpg %llu, invpcid %llu\n",
	       flush_name(), ncpus, (unsigned long long)r.steps,
	       (unsigned long long)r.migrations, (unsigned long long)r.restarts,
	       (unsigned long long)r.own_calls, (unsigned long long)r.reuses,
	       (unsigned long long)r.ipis, (unsigned long long)r.received,
	       (unsigned long long)r.own_ipis,
	       (unsigned long long)r.lazy, (unsigned long long)r.cr3_writes,
	       (unsigned long long)r.invlpgs, (unsigned long long)r.invpcids);
	if (r.violations)
		printf("    # seed %llu step %llu: %s\n", (unsigned long long)r.seed,
		       (unsigned long long)r.step, r.first);
	CHECK_EQ(r.violations, 0);
	CHECK_EQ(r.steps, SEEDS * STEPS);
	CHECK_EQ(r.access_errors, 0);
	CHECK_EQ(r.state_errors, 0);
	CHECK_EQ(r.count_errors, 0);
	CHECK_EQ(r.leaks, 0);
	CHECK(r.migrations > 0 && r.reuses > 0 && r.restarts > 0);
	CHECK(r.received > 0 && r.ipis >= r.received && r.own_ipis > 0);
	if (kind == FLUSH_PCID || kind == FLUSH_INVPCID)
		CHECK(r.lazy > 0);
	else
		CHECK_EQ(r.lazy, 0);
}

/* @bug must be caught on @ncpus CPUs (and, @at_reuse, first where a
 * freed frame is handed out again). */
static void negative(enum flush_kind kind, unsigned bug, unsigned ncpus, bool at_reuse)
{
	struct smp_result r;
	run(kind, bug, ncpus, &r, true);
	if (r.violations)
		printf("    # %s, %u CPUs, caught at seed %llu step %llu: %s\n",
		       flush_name(), ncpus, (unsigned long long)r.seed,
		       (unsigned long long)r.step, r.first);
	else
		printf("    # %s, %u CPUs: bug %#x not caught in %llu steps\n",
		       flush_name(), ncpus, bug, (unsigned long long)r.steps);
	CHECK(r.violations > 0);
	if (at_reuse)
		CHECK(r.first_at_reuse);
}

HTEST(tlb_model_smp_reload)
{
	positive(FLUSH_RELOAD, 2);
	positive(FLUSH_RELOAD, 3);
}
HTEST(tlb_model_smp_invlpg)
{
	positive(FLUSH_INVLPG, 2);
	positive(FLUSH_INVLPG, 3);
}
HTEST(tlb_model_smp_pcid)
{
	positive(FLUSH_PCID, 2);
	positive(FLUSH_PCID, 3);
}
HTEST(tlb_model_smp_invpcid)
{
	positive(FLUSH_INVPCID, 2);
	positive(FLUSH_INVPCID, 3);
}

/* The highest-numbered other CPU keeps what it cached: 3 CPUs, so one
 * other CPU is still reached. */
HTEST(tlb_model_smp_catches_skipped_cpu)
{
	for (enum flush_kind k = FLUSH_RELOAD; k <= FLUSH_INVPCID; k++)
		negative(k, FLUSH_BUG_SKIP_CPU, 3, false);
}
/* A CPU that only holds the view's PCID keeps it, entries and all: the
 * view's next use there takes it with bit 63 set. */
HTEST(tlb_model_smp_catches_forgotten_lazy_drop)
{
	negative(FLUSH_PCID, FLUSH_BUG_FORGET_LAZY, 2, false);
	negative(FLUSH_INVPCID, FLUSH_BUG_FORGET_LAZY, 2, false);
}
/* The other CPUs act only after the frame went to a new page: every step
 * ends clean, only the check at the reuse sees the window. */
HTEST(tlb_model_smp_catches_unacknowledged_shootdown)
{
	for (enum flush_kind k = FLUSH_RELOAD; k <= FLUSH_INVPCID; k++)
		negative(k, FLUSH_BUG_NO_ACK, 2, true);
}
