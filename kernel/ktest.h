/*
 * ktest.h - in-kernel test cases, printed as KTAP over serial.
 *
 * KTEST(name) { ... } registers a case in the .ktests linker section; the
 * runner (ktest.c) finds them all, runs each and prints "ok N name" or
 * "not ok N name".  KT_EXPECT records a failure and goes on.  Around every
 * case the runner compares the counters of frames, heap objects, loaded
 * drivers (slots), threads, window pages mapped, caller pages pinned and
 * driver stacks still held for threads that have ended: a case that leaks
 * fails even if its own checks passed (SPEC M11).  A live thread's driver
 * stacks and a driver's heap are frames the driver holds (not leaks while
 * it lives); PCIDs are checked by gate_pcids_released_with_views and
 * exhaust_pcids (no pool entry may name a view that is gone).
 */
#ifndef SLOTGATE_KTEST_H
#define SLOTGATE_KTEST_H

#include "types.h"

struct ktest_case {
	const char *name;
	void (*fn)(void);
};

#define KTEST(n)                                                               \
	static void ktest_fn_##n(void);                                        \
	static const struct ktest_case ktest_desc_##n                          \
		__attribute__((used, section(".ktests"), aligned(8))) = {      \
			#n, ktest_fn_##n};                                     \
	static void ktest_fn_##n(void)

void ktest_fail(const char *file, int line, const char *what, i64 a, i64 b);
/* Run the ring-3 test program @name (a module) with @action and @param
 * (its argument is action | param << 8): its exit code, or the run's
 * error (a negated code) if it could not run or was killed. */
i64 ktest_run_app(const char *name, u64 action, u64 param);
struct fault_info;
/* Read the u64 at user address @va as the kernel may (SMAP opened), under
 * trap_catch(): -1 with the value in *@value, or the exception's vector
 * with *@info filled (*@value untouched). */
int ktest_read_user(u64 va, u64 *value, struct fault_info *info);
/* Mark the running case skipped, with a reason (KTAP "# SKIP"). */
void ktest_skip(const char *reason);

#define KT_EXPECT(cond)                                                        \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(__FILE__, __LINE__, #cond, 0, 0);           \
	} while (0)

#define KT_EXPECT_EQ(a, b)                                                     \
	do {                                                                   \
		i64 kt_a_ = (i64)(a), kt_b_ = (i64)(b);                        \
		if (kt_a_ != kt_b_)                                            \
			ktest_fail(__FILE__, __LINE__, #a " == " #b, kt_a_, kt_b_); \
	} while (0)

/* The counters the runner compares around every case, as SYS_COUNTERS
 * gives them to ring 3 (slotgate/abi.h): frames (less those kept on
 * purpose), heap objects, drivers, threads, window and pinned pages, live
 * driver stacks and this CPU's owned PCIDs. */
struct sys_leaks;
void ktest_leaks(struct sys_leaks *l);

/* Run every case; returns the number that failed. */
int ktest_run_all(void);

#endif
