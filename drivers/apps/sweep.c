/*
 * sweep.c - the working-set sweep: before each timed gate call the
 * application touches W of its pages, and inside the call the null driver
 * touches W of its own (its touch gate), W = 1, 2, 4 ... 1024.  Timed is
 * the whole: caller's touches, the gate round trip with its flushes, the
 * driver's touches.  Under icount it shows each strategy's invalidation
 * work growing with W (and the invlpg ceiling at work); on hardware, the
 * TLB refills a flush causes as well.
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define SAMPLES 101
#define MAX_PAGES 1024

static char pages[MAX_PAGES][4096] __attribute__((aligned(4096)));
static u64_t samples[SAMPLES];

static inline u64_t tsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

static long report(u64_t w)
{
	const char name[32] = "slot/working-set";
	return syscall6(SYS_BENCH_RESULT, (u64_t)name, (u64_t)samples, SAMPLES, w,
			0, 0);
}

long main(u64_t arg)
{
	(void)arg;
	for (u64_t w = 1; w <= MAX_PAGES; w *= 2) {
		for (int i = 0; i < SAMPLES; i++) {
			u64_t t0 = tsc();
			for (u64_t p = 0; p < w; p++)
				((volatile char *)pages[p])[0] = (char)p;
			long r = gate_call(NULL_GATES + NULL_TOUCH, w, 0, 0, 0, 0, 0);
			samples[i] = tsc() - t0;
			if (r != (long)w)
				return 1;
		}
		if (report(w))
			return 2;
	}
	return 0;
}
