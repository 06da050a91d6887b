/* pmtimer.c - the ACPI PM timer as a reference clock (pmtimer.h). */
#include "pmtimer.h"
#include "arch/x86.h"

/* The same bounds as the PIT's (pit.c): a 20 GHz TSC, four times over,
 * and 400,000 polls per millisecond. */
#define TSC_BOUND_PER_MS (4ull * 20000000ull)
#define POLL_BOUND_PER_MS 400000ull

static u16 port;
static u32 mask;

void pmtimer_init(u16 p, bool is_32bit)
{
	port = p;
	mask = is_32bit ? 0xffffffffu : 0xffffffu;
}

bool pmtimer_present(void) { return port != 0; }

static u32 now(void) { return inl(port) & mask; }

bool pmtimer_wait_ms(unsigned ms)
{
	if (!port || ms > 1000)
		return false;
	/* The counter wraps (at 2^24 about every 4.7 s): differences are
	 * taken modulo its width. */
	u32 want = (u32)((u64)PMTIMER_HZ * ms / 1000), start = now();
	u64 tsc0 = rdtsc(), tsc_bound = TSC_BOUND_PER_MS * ms;
	u64 poll_bound = POLL_BOUND_PER_MS * ms;
	for (u64 polls = 0; ((now() - start) & mask) < want; polls++) {
		if (polls > poll_bound || rdtsc() - tsc0 > tsc_bound)
			return false; /* not counting (an empty port reads all ones) */
		pause();
	}
	return true;
}

/* The least of three, as pit_measure_tsc_hz(). */
u64 pmtimer_measure_tsc_hz(void)
{
	const unsigned ms = 20;
	u64 best = 0;
	for (int i = 0; i < 3; i++) {
		u64 start = rdtsc();
		if (!pmtimer_wait_ms(ms))
			return 0;
		u64 hz = (rdtsc() - start) * (1000 / ms);
		best = !best || hz < best ? hz : best;
	}
	return best;
}
