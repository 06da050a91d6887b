/*
 * test_fastpath.c - the gate fast path (slots/fastpath.h): which calls
 * take it, why the others go to the slow path (and still get the slow
 * path's answer), and that every way out of a driver - the return gate,
 * a fault, the watchdog, a preemption, nesting, a restart - unwinds a
 * fast-path frame as it unwinds a slow-path one.
 *
 * The same cases run in FASTPATH=0 builds, where every gate call from
 * ring 3 goes to the slow path, counted as FASTPATH_MISS_OFF: there they
 * check that nothing took the fast path and the answers are the same.
 */
#include "bootinfo.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "fastpath.h"
#include "gate.h"
#include "ipc.h"
#include "kernel.h"
#include "ktest.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

#define NULLR_GATES 230  /* a copy of null, loaded by the restart cases */
#define HOSTILER_GATES 432 /* a copy of hostile, policy refuse */

struct path_counts {
	u64 hits;
	u64 miss[FASTPATH_MISS_COUNT];
};

static struct path_counts path_now(void)
{
	struct path_counts p = {this_cpu()->counters.fastpath_calls, {0}};
	for (unsigned i = 0; i < FASTPATH_MISS_COUNT; i++)
		p.miss[i] = this_cpu()->counters.fastpath_miss[i];
	return p;
}

/*
 * From @before to @now: @hits gate calls took the fast path and @missed
 * went to the slow path for @why, and no other call went either way.  In
 * a FASTPATH=0 build all of them went to the slow path as
 * FASTPATH_MISS_OFF.
 */
static void expect_between(const struct path_counts *before,
			   const struct path_counts *after, u64 hits,
			   enum fastpath_miss why, u64 missed)
{
	KT_EXPECT_EQ(after->hits - before->hits, FASTPATH ? hits : 0);
	for (unsigned i = 0; i < FASTPATH_MISS_COUNT; i++) {
		u64 want = !FASTPATH ? (i == FASTPATH_MISS_OFF ? hits + missed : 0)
				     : (i == why ? missed : 0);
		u64 got = after->miss[i] - before->miss[i];
		if (got != want) {
			kprintf("    # fast path missed for %s %lu times, expected %lu\n",
				fastpath_miss_name(i), got, want);
			KT_EXPECT_EQ(got, want);
		}
	}
}

/* The same, from @before to now. */
static void expect_path(const struct path_counts *before, u64 hits,
			enum fastpath_miss why, u64 missed)
{
	struct path_counts now = path_now();
	expect_between(before, &now, hits, why, missed);
}

static i64 gtest(enum gtest_action action, u64 param)
{
	return ktest_run_app("gtest", action, param);
}

/* Nothing of a gate is left on this thread or CPU. */
static void expect_outside(void)
{
	KT_EXPECT_EQ(this_cpu()->thread->gate_depth, 0);
	KT_EXPECT(this_cpu()->thread->gate_top == NULL);
	KT_EXPECT(this_cpu()->slots.current == NULL);
}

/* A copy of @module at @gates with @policy and @mode; NULL if it cannot
 * load. */
static struct driver *load_copy_mode(const char *module, const char *name, u64 gates,
				     enum driver_policy policy, enum driver_mode mode)
{
	const void *image;
	size_t size;
	struct driver *d = NULL;
	struct driver_options opt = {.gate_base = gates, .policy = policy, .mode = mode};
	if (!module_find(module, &image, &size) || driver_load(name, image, size, &opt, &d))
		return NULL;
	return d;
}

static struct driver *load_copy(const char *module, const char *name, u64 gates,
				enum driver_policy policy)
{
	return load_copy_mode(module, name, gates, policy, DRIVER_SLOT);
}

KTEST(fastpath_taken)
{
	struct path_counts p = path_now();
	u64 calls = this_cpu()->counters.gate_calls;
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
	expect_path(&p, 1, FASTPATH_MISS_OFF, 0);
	KT_EXPECT_EQ(this_cpu()->counters.gate_calls - calls, 1);
	expect_outside();
}

KTEST(fastpath_taken_every_mode)
{
	/* Copies of null trusted, all-mapped and in CR3 mode: the rows of
	 * the table that differ from the slot only in how memory is reached
	 * take the fast path too. */
	static const enum driver_mode modes[] = {DRIVER_TRUSTED, DRIVER_ALLMAPPED, DRIVER_CR3};
	for (unsigned i = 0; i < 3; i++) {
		u64 gates = 300 + 10 * i;
		struct driver *d = load_copy_mode("null", "nullmode", gates,
						  DRIVER_RESTART, modes[i]);
		KT_EXPECT(d != NULL);
		if (!d)
			return;
		struct path_counts p = path_now();
		KT_EXPECT_EQ(gtest(GTEST_CALL, gates + NULL_ADD), 21);
		KT_EXPECT_EQ(gtest(GTEST_NEST, 0), 21); /* nest -> null in between */
		expect_path(&p, 3, FASTPATH_MISS_OFF, 0);
		KT_EXPECT(this_cpu()->thread->own == NULL);
		driver_unload(d);
	}
	expect_outside();
}

KTEST(fastpath_falls_back_no_gate)
{
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, 200), -E_NOGATE);
	KT_EXPECT_EQ(gtest(GTEST_CALL, GATE_MAX + 7), -E_NOGATE);
	expect_path(&p, 0, FASTPATH_MISS_NO_GATE, 2);
}

KTEST(fastpath_falls_back_pointers)
{
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_STRLEN, 0), 14); /* echo.strlen: str_in */
	expect_path(&p, 0, FASTPATH_MISS_POINTERS, 1);
}

KTEST(fastpath_falls_back_forbidden)
{
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_KERNEL_ONLY), -E_FORBIDDEN);
	expect_path(&p, 0, FASTPATH_MISS_FORBIDDEN, 1);
	/* From a driver it is allowed, and fast: app -> nest -> null. */
	p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, NEST_GATES + NEST_KERNEL_ONLY), 7);
	expect_path(&p, 2, FASTPATH_MISS_OFF, 0);
}

KTEST(fastpath_falls_back_dead)
{
	struct driver *d = load_copy("hostile", "hostiler", HOSTILER_GATES, DRIVER_REFUSE);
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILER_GATES + HOSTILE_PF), -E_DRIVER_FAULT);
	KT_EXPECT(d->dead);
	expect_path(&p, 1, FASTPATH_MISS_OFF, 0); /* the faulting call was fast */
	p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILER_GATES + HOSTILE_COUNT), -E_DEAD);
	expect_path(&p, 0, FASTPATH_MISS_DEAD, 1);
	driver_unload(d);
}

KTEST(fastpath_falls_back_own_space)
{
	/* An IPC server runs on its own PML4: its gate calls take the slow
	 * path, which leaves that address space for this CPU's PML4. */
	struct thread *server = ipc_server_start("ipcfs");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_SERVER_GATE_NULL), 21);
	expect_path(&p, 0, FASTPATH_MISS_OWN_SPACE, 1);
	ipc_server_stop(server);
	expect_outside();
}

KTEST(fastpath_falls_back_depth)
{
	/* nest(d) needs depth d + 2: with d = 7 the ninth call is refused
	 * after eight fast entries. */
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_NEST, GATE_MAX_DEPTH - 1), -E_NESTING);
	expect_path(&p, GATE_MAX_DEPTH, FASTPATH_MISS_DEPTH, 1);
	expect_outside();
}

struct app_job {
	u64 warm_gate;          /* called first, when set: maps the stack */
	enum gtest_action action;
	u64 param;
	i64 result;
	volatile bool warmed;   /* the first call is over */
};

static void run_app_job(void *p)
{
	struct app_job *j = p;
	if (j->warm_gate && gtest(GTEST_CALL, j->warm_gate) != 21)
		j->result = -1000;
	j->warmed = true;
	i64 r = gtest(j->action, j->param);
	if (j->result != -1000)
		j->result = r;
}

KTEST(fastpath_falls_back_no_stack)
{
	/* A new thread has no stack in null yet: its first call maps one. */
	struct app_job j = {0, GTEST_CALL, NULL_GATES + NULL_ADD, 0, false};
	struct path_counts p = path_now();
	struct thread *t = thread_create(run_app_job, &j);
	KT_EXPECT(t != NULL);
	if (!t)
		return;
	thread_join(t);
	KT_EXPECT_EQ(j.result, 21);
	expect_path(&p, 0, FASTPATH_MISS_NO_STACK, 1);
}

/* A hostile gate that ends in @error, entered by the fast path (this
 * thread's stack in hostile exists: init ran on it), leaves the driver
 * restarted and callable, the next call fast again. */
static void expect_fast_unwind(u64 gate, i64 error)
{
	struct driver *d = driver_find("hostile");
	unsigned faults = d->faults, restarts = d->restarts;
	KT_EXPECT(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_COUNT) > 0);
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, gate), error);
	expect_path(&p, 1, FASTPATH_MISS_OFF, 0);
	KT_EXPECT_EQ(d->faults, faults + 1);
	KT_EXPECT_EQ(d->restarts, restarts + 1);
	KT_EXPECT(!d->restart_pending && !d->active);
	p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_COUNT), 1); /* state reset */
	expect_path(&p, 1, FASTPATH_MISS_OFF, 0);
	expect_outside();
}

KTEST(fastpath_fault) { expect_fast_unwind(HOSTILE_GATES + HOSTILE_PF, -E_DRIVER_FAULT); }
KTEST(fastpath_watchdog) { expect_fast_unwind(HOSTILE_GATES + HOSTILE_SPIN, -E_WATCHDOG); }

/* Run @a and @b on two new threads; wait for both. */
static void run_two(struct app_job *a, struct app_job *b)
{
	struct thread *ta = thread_create(run_app_job, a);
	struct thread *tb = thread_create(run_app_job, b);
	BUG_ON(!ta || !tb);
	thread_join(ta);
	thread_join(tb);
}

KTEST(fastpath_preemption)
{
	/* Two new threads each call null once (the slow path maps their
	 * stacks), then meet inside it by the fast path: the first to come
	 * waits there, preempted, until the other arrives. */
	struct cpu *cpu = this_cpu();
	u64 preempted = cpu->counters.preempted_in_driver;
	struct app_job a = {NULL_GATES + NULL_ADD, GTEST_MEET_AT, NULL_GATES, 0, false};
	struct app_job b = {NULL_GATES + NULL_ADD, GTEST_MEET_AT, NULL_GATES, 0, false};
	struct path_counts p = path_now();
	run_two(&a, &b);
	KT_EXPECT_EQ(a.result, 2);
	KT_EXPECT_EQ(b.result, 2);
	expect_path(&p, 2, FASTPATH_MISS_NO_STACK, 2);
	KT_EXPECT(cpu->counters.preempted_in_driver > preempted);
	KT_EXPECT_EQ(driver_find("null")->active, 0);
	expect_outside();
}

KTEST(fastpath_nested)
{
	/* Fast inside fast: app -> nest(3) -> nest(2) -> nest(1) -> nest(0)
	 * -> null, five fast entries. */
	struct path_counts p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_NEST, 3), 21 + 3);
	expect_path(&p, 5, FASTPATH_MISS_OFF, 0);
	/* Fast inside slow: the kernel's call into nest is slow (not from
	 * ring 3), nest's own calls are fast. */
	p = path_now();
	const u64 two[6] = {2};
	KT_EXPECT_EQ(gate_call_kernel(NEST_GATES + NEST_DOWN, two), 21 + 2);
	expect_path(&p, 3, FASTPATH_MISS_OFF, 0);
	/* Slow inside fast: app -> nest.echo_own (fast) -> echo.strlen
	 * (pointers: slow). */
	p = path_now();
	KT_EXPECT_EQ(gtest(GTEST_NEST_VIA_ECHO, 0), 14);
	expect_path(&p, 1, FASTPATH_MISS_POINTERS, 1);
	expect_outside();
}

/*
 * A restart while a thread is inside: thread A enters nullr by the fast
 * path and waits in meet(2); this thread's fast call faults nullr, whose
 * restart waits for A.  Meanwhile a call into nullr takes the slow path
 * and still answers (*pending, with the counts around it); the last
 * thread to leave - A's fast frame or this thread's slow one - restarts
 * it.  @before_last: the counts before the call after the restart (fast
 * or not, as this thread has a stack in the new nullr or not).
 */
struct restart_run {
	i64 pending;
	struct path_counts before_pending, after_pending, before_last;
};

static void restart_with_a_thread_inside(struct restart_run *r)
{
	struct driver *d = load_copy("null", "nullr", NULLR_GATES, DRIVER_RESTART);
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	struct app_job a = {NULLR_GATES + NULL_ADD, GTEST_MEET_AT, NULLR_GATES, 0, false};
	struct thread *ta = thread_create(run_app_job, &a);
	BUG_ON(!ta);
	while (!a.warmed || d->active == 0) /* A is inside meet() */
		thread_yield();
	/* peek(1): selector 0 is never mapped in a driver: a fault. */
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULLR_GATES + NULL_PEEK), -E_DRIVER_FAULT);
	KT_EXPECT(d->restart_pending);
	KT_EXPECT_EQ(d->restarts, 0);
	r->before_pending = path_now();
	r->pending = gtest(GTEST_CALL, NULLR_GATES + NULL_ADD);
	r->after_pending = path_now();
	const u64 two[6] = {2};
	KT_EXPECT_EQ(gate_call_kernel(NULLR_GATES + NULL_MEET, two), 2); /* A goes */
	thread_join(ta);
	KT_EXPECT_EQ(a.result, 2);
	KT_EXPECT_EQ(d->restarts, 1);
	KT_EXPECT(!d->restart_pending && !d->active);
	r->before_last = path_now();
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULLR_GATES + NULL_ADD), 21);
	driver_unload(d);
	expect_outside();
}

KTEST(fastpath_falls_back_restart)
{
	struct restart_run r = {0};
	restart_with_a_thread_inside(&r);
	KT_EXPECT_EQ(r.pending, 21);
	expect_between(&r.before_pending, &r.after_pending, 0, FASTPATH_MISS_RESTART, 1);
}

KTEST(fastpath_restart)
{
	struct path_counts before = path_now();
	struct restart_run r = {0};
	restart_with_a_thread_inside(&r);
	KT_EXPECT_EQ(r.pending, 21);
	/* Up to the call after the restart: A's first call maps its stack
	 * (slow), A's meet and this thread's faulting peek are fast, the call
	 * meanwhile slow (restart pending); the kernel's meet is not from
	 * ring 3. */
	struct path_counts *last = &r.before_last;
	u64 hits = last->hits - before.hits;
	u64 no_stack = last->miss[FASTPATH_MISS_NO_STACK] - before.miss[FASTPATH_MISS_NO_STACK];
	u64 restart = last->miss[FASTPATH_MISS_RESTART] - before.miss[FASTPATH_MISS_RESTART];
	KT_EXPECT_EQ(hits, FASTPATH ? 2 : 0);
	KT_EXPECT_EQ(no_stack, FASTPATH ? 1 : 0);
	KT_EXPECT_EQ(restart, FASTPATH ? 1 : 0);
}
