/*
 * bufsweep.c - the buffer-size sweeps: one gate round trip into echo with
 * a buffer of N bytes, for the buffer and the string classes, into echo
 * isolated in its slot (this build's strategy) and into echoa, the same
 * image loaded all-mapped (no swap, no flush; pointers through windows
 * all the same):
 *   buf_in-map / buf_in-copy  echo.take(buf, N), N = 0, 64 B ... 16 MiB;
 *   str_in-map / str_in-copy  echo.strlen(str) of N characters, N = 0 ...
 *                             4095 (PTR_STR_MAX, its NUL included).
 * "map": every page mapped from the caller (bounce pages only for a
 * partial head and tail); "copy": through the window's copy area up to
 * its two pages, into bounce pages beyond.  Where they cross justifies
 * PTR_COPY_MAX (slots/window.h).
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define MAX_BYTES (16u << 20)
#define SIZES 0, 64, 256, 1024, 2048, 3072, 4096, 6144, 8192, 16384, 65536, \
	262144, 1048576, 4194304, 16777216
#define STR_SIZES 0, 64, 256, 1024, 2048, 3072, 4095
#define SAMPLES 21

static unsigned char buf[MAX_BYTES] __attribute__((aligned(4096)));

/* Every page present before timing; the string of the previous row
 * undone (its NUL). */
static long present(void)
{
	for (u64_t i = 0; i < MAX_BYTES; i += 4096)
		buf[i] = 1;
	return 0;
}

static long map_all(u64_t n) { (void)n; present(); return bench_set(1, 0) < 0 ? -1 : 0; }
static long copy_all(u64_t n) { (void)n; present(); return bench_set(1, MAX_BYTES) < 0 ? -1 : 0; }

/* A string of @n characters at buf, then its NUL. */
static long string_of(u64_t n)
{
	for (u64_t i = 0; i < n; i++)
		buf[i] = 'a' + (unsigned char)(i % 26);
	buf[n] = 0;
	return 0;
}

static long str_map(u64_t n) { return map_all(n) ? -1 : string_of(n); }
static long str_copy(u64_t n) { return copy_all(n) ? -1 : string_of(n); }

static long take(u64_t base, u64_t n)
{
	return gate_call(base + ECHO_TAKE, (u64_t)buf, n, 0, 0, 0, 0) == (long)n ? 0 : -1;
}

static long length(u64_t base, u64_t n)
{
	return gate_call(base + ECHO_STRLEN, (u64_t)buf, 0, 0, 0, 0, 0) == (long)n ? 0 : -1;
}

static long take_slot(u64_t n, u64_t i) { (void)i; return take(ECHO_GATES, n); }
static long take_all(u64_t n, u64_t i) { (void)i; return take(ECHOA_GATES, n); }
static long str_slot(u64_t n, u64_t i) { (void)i; return length(ECHO_GATES, n); }
static long str_all(u64_t n, u64_t i) { (void)i; return length(ECHOA_GATES, n); }

BENCH(mapped, .name = "slot/buf_in-map", BENCH_PARAMS(SIZES), .samples = SAMPLES,
      .setup = map_all, .body = take_slot);
BENCH(copied, .name = "slot/buf_in-copy", BENCH_PARAMS(SIZES), .samples = SAMPLES,
      .setup = copy_all, .body = take_slot);
BENCH(str_mapped, .name = "slot/str_in-map", BENCH_PARAMS(STR_SIZES),
      .samples = SAMPLES, .setup = str_map, .body = str_slot);
BENCH(str_copied, .name = "slot/str_in-copy", BENCH_PARAMS(STR_SIZES),
      .samples = SAMPLES, .setup = str_copy, .body = str_slot);
BENCH(all_mapped, .name = "allmapped/buf_in-map", BENCH_PARAMS(SIZES),
      .samples = SAMPLES, .setup = map_all, .body = take_all);
BENCH(all_copied, .name = "allmapped/buf_in-copy", BENCH_PARAMS(SIZES),
      .samples = SAMPLES, .setup = copy_all, .body = take_all);
BENCH(all_str_mapped, .name = "allmapped/str_in-map", BENCH_PARAMS(STR_SIZES),
      .samples = SAMPLES, .setup = str_map, .body = str_all);
BENCH(all_str_copied, .name = "allmapped/str_in-copy", BENCH_PARAMS(STR_SIZES),
      .samples = SAMPLES, .setup = str_copy, .body = str_all);

long main(u64_t arg) { return bench_main(arg); }
