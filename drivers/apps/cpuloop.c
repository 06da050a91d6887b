/*
 * cpuloop.c - one CPU's share of the CPU sweep (bench/bench.c, issue 13).
 *
 * Every CPU runs a copy: all wait at the kernel's start line, then make
 * TRIPS round trips of one mechanism back to back and report the TSC
 * span of their loop to the kernel, which reports the sweep point from
 * the earliest start to the latest end.
 *
 * arg: bits 0-15 the gate base of the driver to call (NULL_ADD at that
 * base), 0 for an IPC call/reply instead, 1 for a plain call in ring 3; bits 16-47 the trip count.
 * Exits with the number of wrong answers.
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/ipc.h"

static inline u64_t tsc(void)
{
	unsigned int lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

__attribute__((noinline)) static long plain(void)
{
	__asm__ volatile("" ::: "memory");
	return 21;
}

static long trip(u64_t base)
{
	if (base == 1)
		return plain(); /* no kernel at all: what the clock does alone */
	if (base)
		return gate_call(base + NULL_ADD, 1, 2, 3, 4, 5, 6);
	return syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6);
}

long main(u64_t arg)
{
	u64_t base = arg & 0xffff, trips = (arg >> 16) & 0xffffffff;
	long wrong = 0;
	if (bench_set(BENCH_START_LINE, 0) < 0)
		return -1;
	u64_t t0 = tsc();
	for (u64_t i = 0; i < trips; i++)
		wrong += trip(base) != 21;
	u64_t t1 = tsc();
	bench_set(BENCH_SPAN_START, t0);
	bench_set(BENCH_SPAN_END, t1);
	return wrong;
}
