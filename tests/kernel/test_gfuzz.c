/*
 * test_gfuzz.c - hostile input at scale, in the guest (issue 14):
 *   - gfuzz_guest: the gate fuzzer (drivers/apps/gfuzz.c) for
 *     GFUZZ_CALLS random system and gate calls from a fixed seed,
 *     checking its predictions, known-good calls and the leak counters
 *     every GFUZZ_BATCH calls;
 *   - gfuzz_chaos_outcomes_contained: the generated hostile driver
 *     (drivers/chaos) run with CHAOS_SEEDS seeds, each outcome one the
 *     seed's kind allows, tallied per kind.
 * The kernel command line may override the seeds and counts (gfuzz_seed=,
 * gfuzz_calls=, chaos_seed=, chaos_seeds=; make fuzz-guest sets them):
 * docs/testing.md, "The gate fuzzer".
 */
#include "arch/x86.h"
#include "bootinfo.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "gate.h"
#include "ktest.h"
#include "smp.h"
#include "window.h"
#include "slotgate/chaos.h"
#include "slotgate/gates.h"
#include "slotgate/ramfs.h"

#define GFUZZ_SEED 20261129
/* The full run (make check's 100,000 calls) under QEMU with one CPU: the
 * tcg and icount suites (5 s more for tcg, 14 s for icount).  The SMP
 * suites repeat the matrix: 10,000 calls.  Bochs runs a call 25 times
 * slower than TCG: 2,000 calls (3 s more). */
#define GFUZZ_CALLS 100000
#define GFUZZ_CALLS_SMP 10000
#define GFUZZ_CALLS_BOCHS 2000
/* Seeds 28076..28088 draw the 13 kinds once each (chaos_kind()): any run
 * of 13 or more from there sees every kind.  130 under QEMU with one CPU,
 * 26 elsewhere (every fault reloads the driver: slow under Bochs). */
#define CHAOS_FIRST_SEED 28076
#define CHAOS_SEEDS 130
#define CHAOS_SEEDS_SHORT 26

/* A number from the command line (decimal, or hex with 0x), else @def. */
static u64 param(const char *key, u64 def)
{
	char s[24];
	u64 v = 0, base = 10;
	if (!cmdline_get(key, s, sizeof(s)))
		return def;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	for (; *p; p++) {
		u64 d = *p >= '0' && *p <= '9' ? (u64)(*p - '0')
		      : *p >= 'a' && *p <= 'f' ? (u64)(*p - 'a' + 10)
		      : *p >= 'A' && *p <= 'F' ? (u64)(*p - 'A' + 10) : 99;
		if (d >= base)
			return def;
		v = v * base + d;
	}
	return v;
}

static struct driver *load(const char *name, u64 base)
{
	const void *image;
	size_t size;
	struct driver *d = NULL;
	if (!module_find(name, &image, &size) ||
	    driver_load(name, image, size,
			&(struct driver_options){.gate_base = base, .policy = DRIVER_RESTART},
			&d) != 0)
		return NULL;
	return d;
}

static i64 call(u64 gate, u64 a, u64 b)
{
	const u64 args[6] = {a, b};
	return gate_call_kernel(gate, args);
}

/* QEMU sets CPUID's hypervisor bit (leaf 1, ECX bit 31); Bochs does not. */
static bool under_qemu(void)
{
	u32 r[4];
	cpuid(1, 0, r);
	return r[2] >> 31;
}

KTEST(gfuzz_guest)
{
	u64 seed = param("gfuzz_seed", GFUZZ_SEED);
	u64 calls = param("gfuzz_calls", !under_qemu()            ? GFUZZ_CALLS_BOCHS
					 : smp_cpus_online() > 1 ? GFUZZ_CALLS_SMP
								 : GFUZZ_CALLS);
	struct driver *chaos = load("chaos", CHAOS_GATES);
	struct driver *ramfs = load("ramfs", RAMFS_GATES);
	KT_EXPECT(chaos && ramfs);
	if (!chaos || !ramfs)
		goto out;
	u64 refused = gate_refusals;
	gate_quiet_refusals = true; /* tens of thousands: counted, not logged */
	i64 failures = ktest_run_app("gfuzz", GFUZZ_RUN, GFUZZ_PARAM(seed, calls));
	gate_quiet_refusals = false;
	kprintf("    # gfuzz: seed %lu, %lu calls: %ld failures; %lu pointers refused\n",
		seed, calls, failures, gate_refusals - refused);
	KT_EXPECT_EQ(failures, 0);
	/* The kernel still answers, and every driver it reached. */
	KT_EXPECT_EQ(call(NULL_GATES + NULL_ADD, 20, 22), 42);
	KT_EXPECT_EQ(call(HOSTILE_GATES + HOSTILE_COUNT, 0, 0) > 0, 1);
	KT_EXPECT_EQ(window_pages_pinned(), 0);
out:
	if (ramfs)
		driver_unload(ramfs);
	if (chaos)
		driver_unload(chaos);
}

/* What CHAOS_RUN with @seed may return to its caller. */
static i64 chaos_allowed(u64 seed)
{
	switch (chaos_kind(seed)) {
	case CK_CALLS: case CK_BULK: return 0;
	case CK_SPIN: return -E_WATCHDOG;
	case CK_GARBAGE: return chaos_garbage(seed);
	default: return -E_DRIVER_FAULT;
	}
}

static const char *const chaos_names[CK_KINDS] = {
	"calls", "text_write", "jump_low", "jump_kernel", "recurse", "spin",
	"garbage", "smash", "bulk", "nested_self", "nested_other",
	"window_fault", "fault_after",
};

KTEST(gfuzz_chaos_outcomes_contained)
{
	u64 first = param("chaos_seed", CHAOS_FIRST_SEED);
	u64 seeds = param("chaos_seeds", under_qemu() && smp_cpus_online() == 1
						 ? CHAOS_SEEDS
						 : CHAOS_SEEDS_SHORT);
	u64 tally[CK_KINDS] = {0}, faults_before;
	u64 ticks = gate_watchdog_ticks;
	struct driver *chaos = load("chaos", CHAOS_GATES);
	struct driver *ramfs = load("ramfs", RAMFS_GATES); /* its random calls' */
	KT_EXPECT(chaos && ramfs);
	if (!chaos || !ramfs)
		goto out;
	faults_before = chaos->faults;
	u64 refused = gate_refusals;
	gate_quiet_refusals = true;
	/* Never returning costs 30 ms each, not 100.  Not 2 ticks: a tick
	 * held back while the kernel ran with IF = 0 (a restart, a report)
	 * lands as the driver starts, and the next one may follow at once. */
	gate_watchdog_ticks = 3;
	for (u64 s = first; s < first + seeds; s++) {
		enum chaos_kind kind = chaos_kind(s);
		i64 want = chaos_allowed(s), got = call(CHAOS_GATES + CHAOS_RUN, s, 0);
		tally[kind]++;
		if (got != want)
			kprintf("    # chaos seed %lu (%s): got %ld (%s), want %ld\n", s,
				chaos_names[kind], got, error_name(got), want);
		KT_EXPECT_EQ(got, want);
		/* Contained: it answers again (restarted if it faulted), and
		 * nothing stays mapped or pinned. */
		KT_EXPECT_EQ(call(CHAOS_GATES + CHAOS_PING, 0, 0), CHAOS_PONG);
		KT_EXPECT_EQ(window_pages_mapped(), 0);
		KT_EXPECT_EQ(window_pages_pinned(), 0);
	}
	gate_watchdog_ticks = ticks;
	gate_quiet_refusals = false;
	kprintf("    # chaos: seeds %lu..%lu, %lu faults contained, %lu pointers refused:",
		first, first + seeds - 1, chaos->faults - faults_before,
		gate_refusals - refused);
	for (int k = 0; k < CK_KINDS; k++)
		kprintf(" %s %lu", chaos_names[k], tally[k]);
	kprintf("\n");
	/* The default runs draw every kind at least once. */
	if (first == CHAOS_FIRST_SEED && seeds >= CK_KINDS)
		for (int k = 0; k < CK_KINDS; k++)
			KT_EXPECT(tally[k] > 0);
	/* hostile (CK_NESTED_OTHER) restarted and answers. */
	KT_EXPECT_EQ(call(HOSTILE_GATES + HOSTILE_COUNT, 0, 0) > 0, 1);
out:
	if (ramfs)
		driver_unload(ramfs);
	if (chaos)
		driver_unload(chaos);
}

/*
 * Found by gfuzz_chaos_outcomes_contained (a restart whose driver_init the
 * watchdog cut short, on a loaded host): a driver whose restart fails is
 * dead, its view already freed by the failed start - and unloading it
 * freed that view again (a kernel #PF in vm_free_range).  Here the restart
 * fails deterministically: its image is cut short first.
 */
KTEST(gfuzz_unload_after_failed_restart)
{
	struct driver *d = load("chaos", CHAOS_GATES);
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	KT_EXPECT_EQ(call(CHAOS_GATES + CHAOS_PING, 0, 0), CHAOS_PONG);
	d->image_size = 40; /* an ELF header cut short: refused */
	KT_EXPECT_EQ(driver_restart(d), -E_NOEXEC);
	KT_EXPECT(d->dead);
	KT_EXPECT_EQ(call(CHAOS_GATES + CHAOS_PING, 0, 0), -E_DEAD);
	driver_unload(d); /* the view went with the failed start: not again */
	KT_EXPECT_EQ(call(CHAOS_GATES + CHAOS_PING, 0, 0), -E_NOGATE);
}
