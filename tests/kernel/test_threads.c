/*
 * test_threads.c - threads, preemption, and thread migration into drivers:
 * two threads inside one driver at once, and a thread preempted inside a
 * driver resuming with the driver's view.
 */
#include "bootinfo.h"
#include "driver.h"
#include "errno.h"
#include "gate.h"
#include "kernel.h"
#include "ktest.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

struct job {
	u64 gate;
	u64 arg;
	i64 result;
	bool app; /* run the gtest application instead of a kernel call */
};

static void run_job(void *p)
{
	struct job *j = p;
	if (j->app) {
		i64 code = -1;
		int err = user_run_module("gtest", GTEST_MEET | (j->arg << 8), &code, NULL);
		j->result = err ? err : code;
		return;
	}
	const u64 args[6] = {j->arg};
	j->result = gate_call_kernel(j->gate, args);
}

static void bump(void *p) { (*(int *)p)++; }

/* Run jobs @a and @b on two new threads and wait for both; the id @a's
 * thread had. */
static unsigned run_both(struct job *a, struct job *b)
{
	struct thread *ta = thread_create(run_job, a);
	struct thread *tb = thread_create(run_job, b);
	BUG_ON(!ta || !tb);
	unsigned id = ta->id;
	thread_join(ta);
	thread_join(tb);
	return id;
}

KTEST(thread_create_join_leaks_nothing)
{
	int n = 0;
	unsigned before = thread_count();
	for (int i = 0; i < 5; i++) {
		struct thread *t = thread_create(bump, &n);
		KT_EXPECT(t != NULL);
		thread_join(t);
	}
	KT_EXPECT_EQ(n, 5);
	KT_EXPECT_EQ(thread_count(), before);
}

KTEST(gate_concurrent_threads_in_one_driver)
{
	struct job a = {NULL_GATES + NULL_MEET, 2, 0, false};
	struct job b = {NULL_GATES + NULL_MEET, 2, 0, false};
	struct driver *d = driver_find("null");
	unsigned id = run_both(&a, &b);
	/* Each saw both threads inside null at the same time. */
	KT_EXPECT_EQ(a.result, 2);
	KT_EXPECT_EQ(b.result, 2);
	KT_EXPECT_EQ(d->active, 0);
	KT_EXPECT_EQ(d->stack_cursor[id], 0); /* stacks freed at join */
}

KTEST(gate_preempt_in_driver_keeps_view)
{
	/* A waits inside null; B runs an application (another view), then
	 * joins A in null.  A is preempted inside the driver and must resume
	 * with null's view, or it faults. */
	struct cpu *cpu = this_cpu();
	u64 before = cpu->counters.preempted_in_driver;
	struct job a = {NULL_GATES + NULL_MEET, 2, 0, false};
	struct job b = {0, 2, 0, true};
	run_both(&a, &b);
	KT_EXPECT_EQ(a.result, 2);
	KT_EXPECT_EQ(b.result, 2);
	KT_EXPECT(cpu->counters.preempted_in_driver > before);
	KT_EXPECT_EQ(cpu->slots.current, NULL);
}
