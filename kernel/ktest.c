/* ktest.c - runs the .ktests cases and prints KTAP. */
#include "ktest.h"
#include "bootinfo.h"
#include "kstring.h"
#include "console.h"
#include "driver.h"
#include "cpu.h"
#include "heap.h"
#include "pmm.h"
#include "trap.h"
#include "thread.h"
#include "user.h"
#include "vm.h"
#include "window.h"
#include "percpu.h"
#include "slotgate/abi.h"

extern const struct ktest_case __ktests_start[], __ktests_end[];

static int failures;
static const char *skip_reason;

void ktest_fail(const char *file, int line, const char *what, i64 a, i64 b)
{
	kprintf("    # %s:%d: expected %s", file, line, what);
	if (a != b)
		kprintf(" (%ld != %ld)", a, b);
	kprintf("\n");
	failures++;
}

void ktest_skip(const char *reason) { skip_reason = reason; }

/* Frames the kernel holds for things that outlive a case on purpose are
 * not leaks: heap size-class pages, and page tables (a view keeps its
 * tables for its lifetime; a view that goes frees them all). */
static u64 frames_in_use(void)
{
	return pmm_allocated() - heap_cached_frames() - vm_tables_in_use() -
	       drivers_kept_pages();
}

struct counts {
	u64 frames, objects, drivers, threads, windows, pins, stacks;
};

static struct counts count_now(void)
{
	return (struct counts){frames_in_use(), heap_live_objects(),
			       driver_count(), thread_count(),
			       window_pages_mapped(), window_pages_pinned(),
			       driver_stacks_of_ended_threads()};
}

void ktest_leaks(struct sys_leaks *l)
{
	struct counts c = count_now();
	*l = (struct sys_leaks){c.frames, c.objects, c.drivers, c.threads,
				c.windows, c.pins, driver_stacks_live(),
				pcid_owned(&this_cpu()->slots), drivers_heap_pages()};
}

static void check_leak(const char *what, u64 before, u64 after)
{
	if (before != after) {
		kprintf("    # leak: %ld %s\n", (i64)(after - before), what);
		failures++;
	}
}

i64 ktest_run_app(const char *name, u64 action, u64 param)
{
	i64 code = 0;
	int err = user_run_module(name, action | (param << 8), &code, NULL);
	return err ? err : code;
}

struct user_read {
	u64 va, value;
};

static void read_user(void *arg)
{
	struct user_read *r = arg;
	user_access_begin();
	r->value = *(volatile u64 *)r->va;
	user_access_end();
}

int ktest_read_user(u64 va, u64 *value, struct fault_info *info)
{
	struct user_read r = {va, 0};
	int vector = trap_catch(read_user, &r, info);
	if (vector < 0)
		*value = r.value;
	return vector;
}

static bool run_one(size_t n, const struct ktest_case *t)
{
	struct counts before = count_now();

	failures = 0;
	skip_reason = NULL;
	t->fn();
	struct counts after = count_now();
	if (!skip_reason) {
		check_leak("frames", before.frames, after.frames);
		check_leak("heap objects", before.objects, after.objects);
		check_leak("drivers (slots)", before.drivers, after.drivers);
		check_leak("threads", before.threads, after.threads);
		check_leak("window pages", before.windows, after.windows);
		check_leak("pinned pages", before.pins, after.pins);
		check_leak("driver stacks of ended threads", before.stacks,
			   after.stacks);
	}
	if (skip_reason && !failures)
		kprintf("ok %zu %s # SKIP %s\n", n, t->name, skip_reason);
	else
		kprintf("%s %zu %s\n", failures ? "not ok" : "ok", n, t->name);
	return failures == 0;
}

/* ktest=PREFIX on the kernel command line: only the cases whose names
 * start with it (make fuzz-guest runs the fuzzers so). */
static bool selected(const struct ktest_case *t, const char *only)
{
	return strncmp(t->name, only, strlen(only)) == 0;
}

int ktest_run_all(void)
{
	size_t count = (size_t)(__ktests_end - __ktests_start), n = 0;
	char only[48] = "";
	int failed = 0;

	cmdline_get("ktest", only, sizeof(only));
	for (size_t i = 0; i < count; i++)
		n += selected(&__ktests_start[i], only);
	kprintf("KTAP version 1\n1..%zu\n", n);
	n = 0;
	for (size_t i = 0; i < count; i++)
		if (selected(&__ktests_start[i], only))
			failed += !run_one(++n, &__ktests_start[i]);
	return failed;
}
