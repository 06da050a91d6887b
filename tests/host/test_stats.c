/* test_stats.c - the benchmark statistics (bench/stats.c). */
#include "htest.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>

HTEST(stats_sort_random)
{
	u64 v[1000];
	unsigned before[97] = {0}, after[97] = {0};
	srand(7);
	for (int i = 0; i < 1000; i++) {
		v[i] = (u64)rand() % 97;
		before[v[i]]++;
	}
	stats_sort(v, 1000);
	int sorted = 1;
	for (int i = 1; i < 1000; i++)
		sorted &= v[i - 1] <= v[i];
	CHECK(sorted);
	/* The same values, each as often: sorted, not rewritten. */
	for (int i = 0; i < 1000; i++)
		after[v[i] % 97]++;
	CHECK(memcmp(before, after, sizeof(before)) == 0);
}

HTEST(stats_nearest_rank)
{
	u64 v[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	struct bench_stats s;
	stats_compute(v, 10, &s);
	CHECK_EQ(s.n, 10);
	CHECK_EQ(s.min, 1);
	CHECK_EQ(s.max, 10);
	CHECK_EQ(s.p10, 1);    /* rank ceil(1.0) = 1 */
	CHECK_EQ(s.median, 5); /* rank ceil(5.0) = 5 */
	CHECK_EQ(s.p90, 9);    /* rank ceil(9.0) = 9 */
}

HTEST(stats_edges)
{
	u64 one[1] = {42};
	struct bench_stats s;
	stats_compute(one, 1, &s);
	CHECK_EQ(s.median, 42);
	CHECK_EQ(s.p10, 42);
	CHECK_EQ(s.p90, 42);
	stats_compute(one, 0, &s);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(s.median, 0);
	u64 odd[3] = {3, 1, 2};
	stats_compute(odd, 3, &s);
	CHECK_EQ(s.median, 2);
	CHECK_EQ(stats_percentile(odd, 3, 100), 3);
}
