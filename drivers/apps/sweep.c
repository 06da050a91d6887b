/*
 * sweep.c - the working-set sweep: the application touches W of its pages,
 * then calls the null driver's touch gate, which touches W of its own,
 * W = 1, 2, 4 ... 1024; all of it timed.  Under icount it shows each
 * strategy's invalidation work growing with W (the invlpg ceiling at
 * work); on hardware, the TLB refills a flush causes as well.
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define MAX_PAGES 1024

static char pages[MAX_PAGES][4096] __attribute__((aligned(4096)));

static long touch(u64_t w, u64_t i)
{
	(void)i;
	for (u64_t p = 0; p < w; p++)
		((volatile char *)pages[p])[0] = (char)p;
	return gate_call(NULL_GATES + NULL_TOUCH, w, 0, 0, 0, 0, 0) == (long)w ? 0 : -1;
}

BENCH(working_set, .name = "slot/working-set",
      BENCH_PARAMS(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
      .samples = 101, .body = touch);

long main(u64_t arg) { return bench_main(arg); }
