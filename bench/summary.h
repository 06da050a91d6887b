/*
 * summary.h - the benchmark's end screen: the round-trip table and the
 * environment (accelerator, CPU, TSC rate) in one screenful, for a person
 * in front of a machine with no serial port ("results to take home": a
 * photograph of the screen).
 *
 * bench.c hands every row it reports over COM1 to summary_add(); the
 * round trips (bench "roundtrip") are kept, the first report of each
 * mechanism winning.  summary_print() clears the screen (not COM1) and
 * prints at most SUMMARY_MAX_LINES lines of at most 79 characters, so it
 * fits VGA text mode's 80x25 with the exit line below it; the same lines
 * go to COM1, where bench.py ignores them (they are not BENCH lines).
 */
#ifndef SLOTGATE_SUMMARY_H
#define SLOTGATE_SUMMARY_H

#include "stats.h"
#include "types.h"

#define SUMMARY_MAX_ROWS 12
#define SUMMARY_MAX_LINES 23

void summary_reset(void);
/* One reported row: @mech as printed ("slot-reload", "cr3-pcid"), @bench
 * ("roundtrip" for a round trip; others are sweeps and ignored), its
 * median in core cycles @core_median (0: not measured; coreclock.h). */
void summary_add(const char *mech, const char *bench, const struct bench_stats *s,
		 u64 core_median);
/* The end screen, with the first "timer" row's median as the overhead
 * the round trips had subtracted.  @err, @code: the run's result, as
 * BENCH_DONE has them. */
void summary_print(int err, i64 code);

#endif
