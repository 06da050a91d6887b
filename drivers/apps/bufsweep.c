/*
 * bufsweep.c - the buffer-size sweep for buf_in: one gate round trip into
 * echo's take gate (which touches nothing) with a buffer of N bytes,
 * N = 0, 64 B ... 16 MiB, with every page mapped from the caller (bounce
 * pages only for a partial head and tail), and copied: through the
 * window's copy area up to its two pages, into bounce pages beyond.
 * Where they cross justifies PTR_COPY_MAX (slots/window.h).
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define MAX_BYTES (16u << 20)
#define SIZES 0, 64, 256, 1024, 2048, 3072, 4096, 6144, 8192, 16384, 65536, \
	262144, 1048576, 4194304, 16777216

static unsigned char buf[MAX_BYTES] __attribute__((aligned(4096)));

static long map_all(u64_t n)
{
	for (u64_t i = 0; i < MAX_BYTES; i += 4096)
		buf[i] = 1; /* every page present before timing */
	(void)n;
	return bench_set(1, 0) < 0 ? -1 : 0;
}

static long copy_all(u64_t n) { (void)n; return bench_set(1, MAX_BYTES) < 0 ? -1 : 0; }

static long take(u64_t n, u64_t i)
{
	(void)i;
	return gate_call(ECHO_GATES + ECHO_TAKE, (u64_t)buf, n, 0, 0, 0, 0) == (long)n
		       ? 0
		       : -1;
}

BENCH(mapped, .name = "slot/buf_in-map", BENCH_PARAMS(SIZES), .samples = 21,
      .setup = map_all, .body = take);
BENCH(copied, .name = "slot/buf_in-copy", BENCH_PARAMS(SIZES), .samples = 21,
      .setup = copy_all, .body = take);

long main(u64_t arg) { return bench_main(arg); }
