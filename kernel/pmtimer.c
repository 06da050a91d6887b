/* pmtimer.c - the ACPI PM timer as a reference clock (pmtimer.h). */
#include "pmtimer.h"
#include "arch/x86.h"
#include "pit.h" /* the reference clocks' wait bounds */

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
	u64 tsc0 = rdtsc(), tsc_bound = CLOCK_WAIT_TSC_PER_MS * ms;
	u64 poll_bound = CLOCK_WAIT_POLLS_PER_MS * ms;
	for (u64 polls = 0; ((now() - start) & mask) < want; polls++) {
		if (polls > poll_bound || rdtsc() - tsc0 > tsc_bound)
			return false; /* not counting (an empty port reads all ones) */
		pause();
	}
	return true;
}
