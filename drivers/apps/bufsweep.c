/*
 * bufsweep.c - the buffer-size sweep for buf_in: one gate round trip into
 * echo's take gate (which touches nothing) with a buffer of N bytes,
 * N = 0, 64 B ... 16 MiB with every page mapped from the caller (bounce
 * pages only for a partial head and tail), and copied: through the
 * window's copy area up to its two pages, into bounce pages beyond.  Where they cross justifies
 * PTR_COPY_MAX (slots/window.h).
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define MAX_BYTES (16u << 20)

static unsigned char buf[MAX_BYTES] __attribute__((aligned(4096)));
static u64_t samples[64];

static inline u64_t tsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

static long run(const char *name, u64_t n, u64_t count)
{
	char label[32] = {0};
	for (int i = 0; name[i]; i++)
		label[i] = name[i];
	for (u64_t i = 0; i < count; i++) {
		u64_t t0 = tsc();
		long r = gate_call(ECHO_GATES + ECHO_TAKE, (u64_t)buf, n, 0, 0, 0, 0);
		samples[i] = tsc() - t0;
		if (r != (long)n)
			return -1;
	}
	return syscall6(SYS_BENCH_RESULT, (u64_t)label, (u64_t)samples, count, n,
			0, 0);
}

long main(u64_t arg)
{
	(void)arg;
	for (u64_t i = 0; i < MAX_BYTES; i += 4096)
		buf[i] = 1; /* every page present before timing */
	/* From nothing to 16 MiB: mapped, and copied (into bounce pages
	 * once past the two-page copy area). */
	for (u64_t n = 0; n <= MAX_BYTES; n = n ? n * 4 : 64) {
		u64_t count = n >= (1u << 20) ? 5 : 21;
		if (syscall6(SYS_BENCH_SET, 1, 0, 0, 0, 0, 0) || run("slot/buf_in-map", n, count))
			return 1;
		if (syscall6(SYS_BENCH_SET, 1, MAX_BYTES, 0, 0, 0, 0) ||
		    run("slot/buf_in-copy", n, count))
			return 4;
	}
	/* Near the crossover, finer. */
	static const u64_t near[] = {2048, 3072, 6144, 8192};
	for (u64_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
		if (syscall6(SYS_BENCH_SET, 1, MAX_BYTES, 0, 0, 0, 0) ||
		    run("slot/buf_in-copy", near[i], 21))
			return 2;
		if (syscall6(SYS_BENCH_SET, 1, 0, 0, 0, 0, 0) ||
		    run("slot/buf_in-map", near[i], 21))
			return 3;
	}
	return 0;
}
