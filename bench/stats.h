/*
 * stats.h - order statistics of benchmark samples (pure C, host-tested).
 *
 * Percentiles use the nearest-rank method on the sorted samples:
 * p-th percentile = sorted[ceil(p/100 * n) - 1], so every reported value
 * is a value that was measured, never an interpolation.
 */
#ifndef SLOTGATE_STATS_H
#define SLOTGATE_STATS_H

#include "types.h"

struct bench_stats {
	u64 n;
	u64 min, p10, median, p90, max;
};

/* Sort @samples in place (heapsort: no recursion, no allocation). */
void stats_sort(u64 *samples, size_t n);
/* Nearest-rank percentile of sorted samples, 0 < pct <= 100; n > 0. */
u64 stats_percentile(const u64 *sorted, size_t n, unsigned pct);
/* Sort and summarise; n == 0 gives all zeros. */
void stats_compute(u64 *samples, size_t n, struct bench_stats *out);

#endif
