/*
 * bench.h - libbench for ring-3 benchmark programs.
 *
 * A benchmark is a registered descriptor: BENCH(id, .name = ..., ...)
 * puts it in the "benches" section; bench_main() (drivers/lib/bench.c)
 * runs every one of the program's descriptors: for each parameter, setup,
 * then `samples` timed calls of body, then teardown, and hands the samples
 * to the kernel (SYS_BENCH_RESULT), which subtracts the timer's overhead
 * (the "timer" row, run first in every program), computes the statistics
 * and prints the JSON row.  A program is `long main(u64_t arg) { return
 * bench_main(arg); }` plus its descriptors.
 *
 * Timing: MFENCE;LFENCE;RDTSC;LFENCE before, RDTSCP;LFENCE after (or
 * LFENCE;RDTSC;LFENCE without RDTSCP): SDM 2B RDTSC/RDTSCP, AMD APM 3
 * LFENCE.  Each sample is one call of body; the first (cold) one is
 * reported apart by the kernel, and ten untimed warm-up calls follow it.
 */
#ifndef SLOTGATE_BENCH_API_H
#define SLOTGATE_BENCH_API_H

#include "sys.h"

#define BENCH_SAMPLES 2001      /* default per row */
#define BENCH_MAX_SAMPLES 2001
#define BENCH_QUICK_SAMPLES 11  /* at most, when bench_main's argument has bit 0 set */

struct bench_desc {
	const char *name;        /* "MECHANISM[/BENCH]", e.g. "slot/nesting" */
	const u64_t *params;     /* parameters to run, NULL: one run with 0 */
	u64_t nparams;
	u64_t samples;           /* 0: BENCH_SAMPLES */
	/* Before the samples of one parameter: < 0 skips the rest of this
	 * descriptor (e.g. out of slots), > 0 is the parameter to report. */
	long (*setup)(u64_t param);
	/* The timed operation, sample @i; < 0 fails the program. */
	long (*body)(u64_t param, u64_t i);
	void (*teardown)(u64_t param);
};

#define BENCH(id, ...)                                                         \
	static const struct bench_desc bench_desc_##id                         \
		__attribute__((used, section("benches"), aligned(8))) = {      \
			__VA_ARGS__}

#define BENCH_PARAMS(...) .params = (const u64_t[]){__VA_ARGS__},             \
	.nparams = sizeof((const u64_t[]){__VA_ARGS__}) / sizeof(u64_t)

/* Knobs of the CPU sweep (bench/bench.h): the start line every CPU's
 * copy of cpuloop waits at, and its loop's TSC span. */
#define BENCH_START_LINE 3
#define BENCH_SPAN_START 4
#define BENCH_SPAN_END 5

/* Turn a kernel knob (bench/bench.h: 1 copy threshold, 2 driver copies). */
static inline long bench_set(u64_t knob, u64_t value)
{
	return syscall6(SYS_BENCH_SET, knob, value, 0, 0, 0, 0);
}

/* Run every descriptor of this program; 0, or the failing row's number. */
long bench_main(u64_t arg);

#endif
