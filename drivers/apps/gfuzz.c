/*
 * gfuzz.c - the in-guest gate fuzzer (issue 14).
 *
 * From a seed it prints, it makes random system calls and gate calls with
 * pointers chosen to hurt (slotgate/fuzz.h draws them and predicts every
 * result it can from docs/gate-abi.md), into every driver of the test
 * boot and, through drivers/chaos's relay gate, from inside drivers.
 * After every GFUZZ_BATCH calls it makes known-good calls (each must
 * answer right) and compares the kernel's leak counters (SYS_COUNTERS
 * with SYS_COUNTERS_LEAKS: frames, heap objects, drivers, threads, window
 * and pinned pages, driver stacks, PCIDs) with their values at the start.
 * KTAP, indented as a subtest of the kernel case that runs it: one line
 * per batch.  It exits with the number of failures.
 *
 * Argument (slotgate/chaos.h): GFUZZ_RUN | GFUZZ_PARAM(seed, calls) << 8.
 * The same seed makes the same calls; under ACCEL=icount the whole run is
 * the same (docs/testing.md, "The gate fuzzer").
 */
#include "slotgate/app.h"
#include "slotgate/fuzz.h"

#define RW_LEN (16 * FZ_PAGE)
#define REPORT_MAX 20 /* mismatches printed in full */

static unsigned char rw[RW_LEN] __attribute__((aligned(4096)));
/* Read-only pages (rodata has pages of its own, drivers/lib/app.ld). */
static const unsigned char ro[2 * FZ_PAGE] __attribute__((aligned(4096))) =
	"read-only pages of the gate fuzzer";
static const char hello[] = "hello";

static unsigned long failures, reported;

static long gate(unsigned long n, unsigned long a, unsigned long b, unsigned long c)
{
	return gate_call(n, a, b, c, 0, 0, 0);
}

static void fail(const char *what, unsigned long call, long got, long want)
{
	failures++;
	if (reported++ < REPORT_MAX)
		printf("    # %s at call %lu: got %ld, want %ld\n", what, call, got, want);
}

/* Known-good calls into every driver the fuzzer reaches: each must still
 * answer right, and each enters its driver (a restarted one gets its
 * stack and PCID back, so the counters compare). */
static void known_good(unsigned long call)
{
	long r;
	if ((r = gate(NULL_GATES + NULL_ADD, 1, 2, 3)) != 6)
		fail("null.add", call, r, 6);
	if ((r = gate(NEST_GATES + NEST_DOWN, 2, 0, 0)) != 23)
		fail("nest.down(2)", call, r, 23);
	if ((r = gate(ECHO_GATES + ECHO_STRLEN, (unsigned long)hello, 0, 0)) != 5)
		fail("echo.strlen", call, r, 5);
	if ((r = gate(ECHOT_GATES + ECHO_STRLEN, (unsigned long)hello, 0, 0)) != 5)
		fail("echot.strlen", call, r, 5);
	if ((r = gate(ECHOA_GATES + ECHO_SUM, (unsigned long)hello, 2, 0)) != 'h' + 'e')
		fail("echoa.sum", call, r, 'h' + 'e');
	if ((r = gate(HOSTILE_GATES + HOSTILE_COUNT, 0, 0, 0)) <= 0)
		fail("hostile.count", call, r, 1);
	if ((r = gate(CHAOS_GATES + CHAOS_PING, 0, 0, 0)) != CHAOS_PONG)
		fail("chaos.ping", call, r, CHAOS_PONG);
	if ((r = gate(UART_GATES + UART_WRITE, (unsigned long)rw, 0, 0)) != 0)
		fail("uart.write(0 bytes)", call, r, 0);
	if ((r = gate(RAMFS_GATES + RAMFS_DELETE, (unsigned long)"/gfz-none", 0, 0)) != -E_NOENT)
		fail("ramfs.delete(absent)", call, r, -E_NOENT);
}

static const char *const leak_names[] = {
	"frames", "heap objects", "drivers", "threads", "window pages",
	"pinned pages", "driver stacks", "PCIDs", "driver heap pages",
};

enum { PCIDS = 7, HEAP = 8 }; /* struct sys_leaks, as longs */

static int leaks_differ(const struct sys_leaks *a, const struct sys_leaks *b)
{
	const unsigned long *x = (const unsigned long *)a, *y = (const unsigned long *)b;
	int bad = 0;
	/* Equal at every check, but two: PCIDs go round robin (a view
	 * loses its PCID to another and gets one again on its next switch),
	 * so only their bound holds: no more owners than views (the drivers
	 * and this program's); drivers' heaps only grow while they live. */
	for (unsigned i = 0; i < sizeof(*a) / sizeof(long); i++) {
		int ok = i == HEAP ? 1 : i == PCIDS ? y[i] <= b->drivers + 1 : x[i] == y[i];
		if (ok)
			continue;
		printf("    # leak: %s %lu at the start, %lu now%s\n", leak_names[i], x[i], y[i],
		       i == PCIDS ? " (more than the views)" : "");
		bad = 1;
	}
	return bad;
}

/* Files and descriptors the run may have left in ramfs. */
static void clean_ramfs(void)
{
	for (long fd = 0; fd < RAMFS_FDS; fd++)
		gate(RAMFS_GATES + RAMFS_CLOSE, (unsigned long)fd, 0, 0);
	for (int i = 0; i < 7; i++)
		gate(RAMFS_GATES + RAMFS_DELETE, (unsigned long)fz_paths[i], 0, 0);
}

long main(u64_t arg)
{
	unsigned long seed = (arg >> 8) & 0xffffffffu, calls = (arg >> 40) * 100;
	unsigned long batches = (calls + GFUZZ_BATCH - 1) / GFUZZ_BATCH;
	struct sys_leaks start, now;
	long edge = heap_grow(1);

	printf("    # gfuzz: seed=%lu calls=%lu (again: make fuzz-guest SEED=%lu CALLS=%lu)\n",
	       seed, calls, seed, calls);
	if ((arg & 0xff) != GFUZZ_RUN || edge < 0)
		return 1000;
	struct fz_ctx c = {
		.rng = seed,
		.sp = {.lo = 0, .hi = FZ_SLOT, .rw = rw, .rw_len = RW_LEN,
		       .edge = (unsigned char *)edge, .ro = ro, .ro_len = sizeof(ro),
		       .hole = 0x10000000ul, .low = 0x1000, .low_len = 0x400000 - 0x1000},
		.driver = 0,
		.depth = 0,
		.relay_n = 16,
	};
	known_good(0);
	if (syscall6(SYS_COUNTERS, (unsigned long)&start, SYS_COUNTERS_LEAKS, 0, 0, 0, 0))
		return 1001;
	printf("    KTAP version 1\n    1..%lu\n", batches);
	unsigned long done = 0;
	for (unsigned long b = 1; b <= batches; b++) {
		unsigned long before = failures;
		for (unsigned long i = 0; i < GFUZZ_BATCH && done < calls; i++, done++) {
			struct fz_call k;
			fz_make(&c, &k);
			long got = fz_do(&k);
			int bad = fz_check(&k, got);
			if (bad) {
				failures++;
				if (reported++ < REPORT_MAX)
					printf("    # call %lu: nr 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx)"
					       " got %ld, want %ld%s\n",
					       done, (unsigned long)k.nr, k.a[0], k.a[1], k.a[2],
					       k.a[3], k.a[4], k.a[5], got, k.want,
					       bad == 2 ? " (bytes filled wrong)" : "");
			}
		}
		known_good(done);
		if (syscall6(SYS_COUNTERS, (unsigned long)&now, SYS_COUNTERS_LEAKS, 0, 0, 0, 0) ||
		    leaks_differ(&start, &now))
			failures++;
		printf("    %s %lu batch_%lu\n", failures == before ? "ok" : "not ok", b, b);
	}
	clean_ramfs();
	printf("    # gfuzz: seed=%lu: %lu calls, %lu failures\n", seed, done, failures);
	return (long)failures;
}
