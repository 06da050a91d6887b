/*
 * test_coreclock.c - kernel/coreclock.c: core cycles from APERF/MPERF
 * deltas, the refusals (another CPU, counters gone backwards, no MPERF
 * movement) and the 128-bit scaling against a reference done here in
 * unsigned __int128 with the host's libgcc.
 */
#include "coreclock.h"
#include "htest.h"

#include <stdlib.h>

static struct coreclock_sample at(u64 tsc, u64 aperf, u64 mperf)
{
	return (struct coreclock_sample){tsc, aperf, mperf, 0, true};
}

HTEST(coreclock_turbo_row)
{
	/* A busy row: 3,000,000 TSC ticks at 3.0 GHz, the core at 4.2 GHz:
	 * MPERF moves with the TSC, APERF 1.4 times as fast. */
	struct coreclock_sample a = at(1000, 50, 7), b = at(3001000, 4200050, 3000007);
	struct coreclock_ratio r;
	CHECK(coreclock_ratio(&a, &b, &r));
	CHECK_EQ(r.core_milli, 1400);
	CHECK_EQ(r.c0_milli, 1000);
	CHECK_EQ(r.aperf, 4200000);
	CHECK_EQ(r.mperf, 3000000);
	CHECK_EQ(coreclock_cycles(300, &r), 420);
	CHECK_EQ(coreclock_cycles(0, &r), 0);
}

HTEST(coreclock_low_pstate_and_rounding)
{
	/* The core at 2/3 of the reference clock: 100 ticks are 66.67 cycles,
	 * reported as 67; 1 tick as 1 (0.67 rounds up), 2 ticks as 1. */
	struct coreclock_sample a = at(0, 0, 0), b = at(3000, 2000, 3000);
	struct coreclock_ratio r;
	CHECK(coreclock_ratio(&a, &b, &r));
	CHECK_EQ(r.core_milli, 667);
	CHECK_EQ(coreclock_cycles(100, &r), 67);
	CHECK_EQ(coreclock_cycles(1, &r), 1);
	CHECK_EQ(coreclock_cycles(2, &r), 1);
}

HTEST(coreclock_idle_share)
{
	/* Half the window in a C-state: MPERF stops there, the TSC does not. */
	struct coreclock_sample a = at(0, 0, 0), b = at(2000000, 1000000, 1000000);
	struct coreclock_ratio r;
	CHECK(coreclock_ratio(&a, &b, &r));
	CHECK_EQ(r.c0_milli, 500);
	CHECK_EQ(r.core_milli, 1000);
}

HTEST(coreclock_refusals)
{
	struct coreclock_sample a = at(100, 100, 100), b = at(200, 200, 200);
	struct coreclock_ratio r = {1, 1, 1, 1};

	struct coreclock_sample x = b;
	x.valid = false; /* no APERF/MPERF on this CPU */
	CHECK(!coreclock_ratio(&a, &x, &r));
	CHECK_EQ(r.core_milli, 0);
	CHECK_EQ(coreclock_cycles(1000, &r), 0);
	x = b;
	x.cpu = 1; /* the thread moved to another CPU in between */
	CHECK(!coreclock_ratio(&a, &x, &r));
	x = b;
	x.mperf = a.mperf; /* MPERF stood still: no ratio */
	CHECK(!coreclock_ratio(&a, &x, &r));
	x = b;
	x.mperf = 50; /* reset between the samples */
	CHECK(!coreclock_ratio(&a, &x, &r));
	x = b;
	x.aperf = 50;
	CHECK(!coreclock_ratio(&a, &x, &r));
	x = b;
	x.tsc = a.tsc;
	CHECK(!coreclock_ratio(&a, &x, &r));
	CHECK(!coreclock_ratio(&b, &a, &r)); /* in the wrong order */
	/* APERF standing still is a figure (0 cycles), not a refusal: a
	 * core that was stopped throttled to nothing. */
	x = b;
	x.aperf = a.aperf;
	CHECK(coreclock_ratio(&a, &x, &r));
	CHECK_EQ(r.core_milli, 0);
}

typedef unsigned __int128 u128;

/* The reference: rounded ticks * aperf / mperf with the host's __udivti3. */
static u64 reference(u64 ticks, u64 aperf, u64 mperf)
{
	u128 q = ((u128)ticks * aperf + mperf / 2) / mperf;
	return q > UINT64_MAX ? UINT64_MAX : (u64)q;
}

static u64 rnd64(void)
{
	u64 v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 16 | (u64)(rand() & 0xffff);
	/* Mostly small and mid-sized values, some near the top. */
	switch (rand() % 4) {
	case 0: return v >> (rand() % 64);
	case 1: return v >> 32;
	default: return v;
	}
}

HTEST(coreclock_scaling_exact_against_128_bit_division)
{
	srand(20261208);
	for (int i = 0; i < 200000; i++) {
		u64 ticks = rnd64(), aperf = rnd64(), mperf = rnd64() | 1;
		struct coreclock_ratio r = {0, 0, aperf, mperf};
		u64 want = reference(ticks, aperf, mperf), got = coreclock_cycles(ticks, &r);
		if (got != want) {
			CHECK_EQ(got, want);
			return;
		}
	}
	/* Edges: the largest exact quotient, and one past it saturating. */
	struct coreclock_ratio r = {0, 0, UINT64_MAX, UINT64_MAX};
	CHECK_EQ(coreclock_cycles(UINT64_MAX, &r), UINT64_MAX);
	r.mperf = UINT64_MAX - 1;
	CHECK_EQ(coreclock_cycles(UINT64_MAX, &r), UINT64_MAX);
	r = (struct coreclock_ratio){0, 0, 3, 2};
	CHECK_EQ(coreclock_cycles(UINT64_MAX / 2, &r), reference(UINT64_MAX / 2, 3, 2));
}
