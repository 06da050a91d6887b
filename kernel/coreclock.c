/* coreclock.c - core cycles from APERF/MPERF deltas (see coreclock.h). */
#include "coreclock.h"

/*
 * @x * @mul / @den rounded to nearest, saturating at UINT64_MAX; @den > 0.
 * The product is 128 bits wide, kept as two halves: the kernel links no
 * libgcc, so a 128-bit division (__udivti3) is not there.  Long division,
 * one quotient bit a step; a bench row calls it a few times.
 */
static u64 scale(u64 x, u64 mul, u64 den)
{
	__extension__ typedef unsigned __int128 u128;
	u128 n = (u128)x * mul + den / 2;
	if ((u64)(n >> 64) >= den)
		return UINT64_MAX; /* the quotient needs more than 64 bits */
	u64 rem = 0, q = 0;
	for (int bit = 127; bit >= 0; bit--) {
		/* rem < den throughout; rem * 2 + 1 may need 65 bits. */
		bool carry = rem >> 63;
		rem = rem << 1 | (u64)(n >> bit & 1);
		q <<= 1;
		if (carry || rem >= den) {
			rem -= den;
			q |= 1;
		}
	}
	return q;
}

bool coreclock_ratio(const struct coreclock_sample *a,
		     const struct coreclock_sample *b, struct coreclock_ratio *out)
{
	*out = (struct coreclock_ratio){0};
	if (!a->valid || !b->valid || a->cpu != b->cpu)
		return false;
	/* Backwards means a write or a reset between the two (firmware, a
	 * hypervisor's migration): no figure, rather than a wrapped one. */
	if (b->tsc <= a->tsc || b->mperf <= a->mperf || b->aperf < a->aperf)
		return false;
	u64 da = b->aperf - a->aperf, dm = b->mperf - a->mperf, dt = b->tsc - a->tsc;
	out->aperf = da;
	out->mperf = dm;
	out->core_milli = scale(da, 1000, dm);
	out->c0_milli = scale(dm, 1000, dt);
	return true;
}

u64 coreclock_cycles(u64 ticks, const struct coreclock_ratio *r)
{
	if (!r->mperf)
		return 0;
	return scale(ticks, r->aperf, r->mperf);
}
