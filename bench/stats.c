/* stats.c - heapsort and nearest-rank percentiles. */
#include "stats.h"

static void sift_down(u64 *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		u64 t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

void stats_sort(u64 *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		u64 t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

u64 stats_percentile(const u64 *sorted, size_t n, unsigned pct)
{
	size_t rank = ((u64)pct * n + 99) / 100; /* ceil(pct/100 * n) */
	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

void stats_compute(u64 *samples, size_t n, struct bench_stats *out)
{
	*out = (struct bench_stats){.n = n};
	if (n == 0)
		return;
	stats_sort(samples, n);
	out->min = samples[0];
	out->max = samples[n - 1];
	out->p10 = stats_percentile(samples, n, 10);
	out->median = stats_percentile(samples, n, 50);
	out->p90 = stats_percentile(samples, n, 90);
}
