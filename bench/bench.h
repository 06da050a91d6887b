/*
 * bench.h - the kernel side of the benchmarks.
 *
 * The timed loops run in ring 3 (drivers/apps/bench.c: a round trip is
 * measured from where a caller really sits).  The program hands each
 * row's raw samples to the kernel (SYS_BENCH_RESULT); the kernel
 * subtracts the timer's own overhead (the "timer" row, measured first in
 * the same run), computes the statistics and prints one JSON line per row
 * between the markers scripts/bench.py reads:
 *   BENCH_ENV {...}          the environment
 *   BENCH {...}              one row
 */
#ifndef SLOTGATE_BENCH_H
#define SLOTGATE_BENCH_H

#include "types.h"

#define BENCH_MAX_SAMPLES 8192
#define BENCH_NAME_MAX 32

/* Knobs only the bench program turns (SYS_BENCH_SET). */
enum bench_knob {
	BENCH_COPY_MAX = 1, /* window_copy_max: 0 = map all, huge = copy all */
	BENCH_CLONES = 2,   /* load copies of null until there are this many:
			       the value returned */
	/* The CPU sweep's (cpusweep.c, drivers/apps/cpuloop.c): */
	BENCH_START_LINE = 3, /* wait until every CPU's copy is there */
	BENCH_SPAN_START = 4, /* the loop started at TSC value */
	BENCH_SPAN_END = 5,   /* ... and ended at */
};

/* Load copies of null (clone i answers at CLONE_GATES + CLONE_STRIDE * i)
 * until there are @want; how many there are. */
i64 bench_grow_clones(u64 want);
/* Stop the timer on every CPU (the bench runs without ticks). */
void bench_timers_off(void);
/* The CPU sweep: round trips on 1..N CPUs at once, and one unmap with
 * the view shown on 1..N CPUs (cpusweep.c). */
void bench_cpu_sweep(bool quick);
i64 cpusweep_knob(u64 knob, u64 value);

/* SYS_BENCH_SET: turn a knob while the bench program runs; they are reset
 * when it ends. */
i64 bench_set(u64 knob, u64 value);

/* Print the environment, run the "bench" program, print its rows. */
void bench_run_all(void);
/* SYS_BENCH_RESULT: copy in @count samples for row @name (parameter
 * @param, e.g. the working set of a sweep point); the row made @calls
 * calls in all (warm-up included), which the counters are divided by. */
i64 bench_record_user(u64 name, u64 samples, u64 count, u64 param, u64 calls);

#endif
