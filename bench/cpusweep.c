/*
 * cpusweep.c - the CPU sweep (issue 13, docs/smp.md): what a round trip
 * costs when 1..N CPUs make them at once, and what one unmap costs when
 * the view is shown on k CPUs.
 *
 * Round trips: n threads, one per CPU, each runs the cpuloop program
 * (drivers/apps/cpuloop.c): all wait at a start line, then make TRIPS
 * round trips of one mechanism - into one shared driver, into a driver
 * of their own (copies of null), into the CR3-mode null, or an IPC call
 * to the one server - and report their loop's TSC span.  The row is the
 * span from the earliest start to the latest end, per completed round
 * trip of all CPUs together.  Under icount the TSC is one instruction
 * clock shared by every vCPU (docs/accelerators.md): the figure is then
 * the instructions all CPUs executed per round trip completed - flat
 * while the design scales, growing with contention (spinning for the big
 * kernel lock counts) and with shootdowns.
 *
 * Unmap: k-1 threads sit inside null on CPUs 1..k-1 (null shown there),
 * and CPU 0 maps and unmaps one page of null's view, timing the unmap.
 *
 * The bench stops the timers on every CPU first (bench_timers_off): no
 * tick lands inside a timed region, and no watchdog unwinds the threads
 * parked in null.
 */
#include "bench.h"
#include "arch/x86.h"
#include "bkl.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "flush.h"
#include "gate.h"
#include "ipc.h"
#include "kstring.h"
#include "kernel.h"
#include "lapic.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "smp.h"
#include "stats.h"
#include "thread.h"
#include "user.h"
#include "vm.h"
#include "slotgate/gates.h"

#define TRIPS 2000
#define QUICK_TRIPS 20
#define UNMAP_SAMPLES 51

/* The start line and the span of one sweep point. */
struct start_line {
	unsigned expected, arrived;
	u64 start, end;
};
static struct start_line line;

i64 cpusweep_knob(u64 knob, u64 value)
{
	switch (knob) {
	case BENCH_START_LINE:
		line.arrived++;
		if (line.arrived == line.expected)
			for (unsigned i = 0; i < smp_cpus_online(); i++)
				smp_wake(smp_cpu(i));
		while (line.arrived < line.expected)
			kernel_wait();
		return 0;
	case BENCH_SPAN_START:
		line.start = MIN(line.start, value);
		return 0;
	case BENCH_SPAN_END:
		line.end = MAX(line.end, value);
		return 0;
	default:
		return -E_INVAL;
	}
}

/* Counters summed over every CPU. */
struct totals {
	u64 cr3_writes, invlpgs, invpcids, shootdown_ipis, lazy, contended;
};

static struct totals totals_now(void)
{
	struct totals t = {0};
	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		const struct cpu *c = smp_cpu(i);
		t.cr3_writes += c->slots.counters.cr3_writes;
		t.invlpgs += c->slots.counters.invlpgs;
		t.invpcids += c->slots.counters.invpcids;
		t.shootdown_ipis += c->slots.counters.shootdown_ipis;
		t.lazy += c->slots.counters.lazy_invalidations;
		t.contended += c->counters.bkl_contended;
	}
	return t;
}

static void print_row(const char *mech, const char *bench, u64 param,
		      const struct bench_stats *s, u64 per, const struct totals *a,
		      const struct totals *b)
{
	kprintf("BENCH {\"mechanism\":\"%s\",\"bench\":\"%s\",\"param\":%lu,"
		"\"median\":%lu,\"p10\":%lu,\"p90\":%lu,\"min\":%lu,\"max\":%lu,"
		"\"n\":%lu,\"cold\":0,\"overhead\":0,\"unit\":\"tsc\","
		"\"cr3_writes\":%lu,\"invlpgs\":%lu,\"invpcids\":%lu,"
		"\"pml4e_writes\":0,\"fastpath\":0,\"counters_per\":%lu,"
		"\"shootdown_ipis\":%lu,\"lazy_invalidations\":%lu,\"bkl_contended\":%lu,"
		"\"cpus\":%u}\n",
		mech, bench, param, s->median, s->p10, s->p90, s->min, s->max, s->n,
		b->cr3_writes - a->cr3_writes, b->invlpgs - a->invlpgs,
		b->invpcids - a->invpcids, per, b->shootdown_ipis - a->shootdown_ipis,
		b->lazy - a->lazy, b->contended - a->contended, smp_cpus_online());
}

static void timer_off(void *arg) { (void)arg; lapic_timer_stop(); }

void bench_timers_off(void)
{
	lapic_timer_stop();
	for (unsigned i = 1; i < smp_cpus_online(); i++)
		smp_call(smp_cpu(i), timer_off, NULL);
}

static u64 meet_args[6]; /* NULL_MEET(k): wait until k threads are inside */

static void park_in_null(void *p)
{
	*(i64 *)p = gate_call_kernel(NULL_GATES + NULL_MEET, meet_args);
}

static u64 tsc(void)
{
	__asm__ volatile("lfence" ::: "memory");
	u64 t = rdtsc();
	__asm__ volatile("lfence" ::: "memory");
	return t;
}

/* "slot" is this build's strategy, "cr3" its PCID variant in PCID builds
 * (as bench.c names rows). */
static const char *mech_name(const char *m)
{
	static char buf[16];
	if (strcmp(m, "slot") == 0)
		ksnprintf(buf, sizeof(buf), "slot-%s", FLUSH_NAME);
	else if (strcmp(m, "cr3") == 0 && flush_uses_pcid())
		ksnprintf(buf, sizeof(buf), "cr3-pcid");
	else
		ksnprintf(buf, sizeof(buf), "%s", m);
	return buf;
}

/* --- round trips on n CPUs ------------------------------------------------ */

struct runner {
	u64 arg;
	i64 code;
	int err;
};

static void run_cpuloop(void *p)
{
	struct runner *r = p;
	r->err = user_run_module("cpuloop", r->arg, &r->code, NULL);
}

/* n threads on CPUs 0..n-1, thread i calling base(i): the span per trip,
 * or 0 when something failed. */
static u64 run_point(unsigned n, u64 (*base)(unsigned i, u64 b), u64 b, u64 trips)
{
	struct runner r[SMP_MAX_CPUS];
	struct thread *t[SMP_MAX_CPUS];
	line = (struct start_line){n, 0, ~0ull, 0};
	for (unsigned i = 0; i < n; i++) {
		r[i] = (struct runner){base(i, b) | trips << 16, -1, 0};
		t[i] = thread_create(run_cpuloop, &r[i]);
		if (!t[i] || (i && thread_move(t[i], smp_cpu(i)) != 0))
			panic("cpusweep: no thread for cpu %u", i);
	}
	bool ok = true;
	for (unsigned i = 0; i < n; i++) {
		thread_join(t[i]);
		ok = ok && !r[i].err && r[i].code == 0;
	}
	if (!ok || line.end <= line.start)
		return 0;
	return (line.end - line.start) / (n * trips);
}

static u64 shared(unsigned i, u64 b) { (void)i; return b; }
static u64 private(unsigned i, u64 b) { return b + CLONE_STRIDE * i; }

static void sweep_point(const char *mech, const char *bench, unsigned n,
			u64 (*base)(unsigned, u64), u64 b, u64 trips)
{
	struct totals before = totals_now();
	u64 v = run_point(n, base, b, trips);
	struct totals after = totals_now();
	if (!v) {
		kprintf("cpusweep: %s %s on %u CPUs failed\n", mech, bench, n);
		return;
	}
	struct bench_stats s = {.median = v, .p10 = v, .p90 = v, .min = v, .max = v, .n = 1};
	print_row(mech_name(mech), bench, n, &s, n * trips, &before, &after);
}

/* --- one unmap while k CPUs show the view ----------------------------------- */

/* Until @c shows @v (no timer runs, so no interrupt would end a halt). */
static void wait_shown(struct cpu *c, struct view *v)
{
	while (c->slots.current != v)
		bkl_pause();
}

static void unmap_point(unsigned k, u64 samples)
{
	struct driver *d = driver_find("null");
	struct cpu *cpu = this_cpu();
	u64 v[UNMAP_SAMPLES];
	u64 va = slot_base(d->slot) + 100 * SELECTOR_SIZE;
	u64 frame = pmm_alloc();
	if (!d || !frame)
		return;
	/* k-1 threads wait inside null (NULL_MEET for k) on CPUs 1..k-1. */
	struct thread *t[SMP_MAX_CPUS];
	i64 p[SMP_MAX_CPUS];
	meet_args[0] = k;
	for (unsigned i = 1; i < k; i++) {
		t[i] = thread_create(park_in_null, &p[i]);
		if (!t[i] || thread_move(t[i], smp_cpu(i)) != 0)
			panic("cpusweep: no thread for cpu %u", i);
	}
	for (unsigned i = 1; i < k; i++)
		wait_shown(smp_cpu(i), &d->view);
	struct totals before = totals_now();
	for (u64 s = 0; s < samples; s++) {
		u64 pa;
		BUG_ON(view_map(&d->view, va, frame, VM_USER | VM_NX) != 0);
		u64 t0 = tsc();
		int err = view_unmap(&cpu->slots, &d->view, va, &pa);
		u64 t1 = tsc();
		BUG_ON(err || pa != frame);
		v[s] = t1 - t0;
	}
	struct totals after = totals_now();
	/* This thread is the k-th: the parked ones leave. */
	if (k > 1)
		gate_call_kernel(NULL_GATES + NULL_MEET, meet_args);
	for (unsigned i = 1; i < k; i++)
		thread_join(t[i]);
	pmm_free(frame);
	struct bench_stats s;
	stats_compute(v, samples, &s);
	print_row(mech_name("slot"), "unmap-shown", k, &s, samples, &before, &after);
}

void bench_cpu_sweep(bool quick)
{
	unsigned cpus = smp_cpus_online();
	u64 trips = quick ? QUICK_TRIPS : TRIPS;
	if (bench_grow_clones(cpus) < (i64)cpus)
		kprintf("cpusweep: not enough driver copies\n");
	struct thread *server = ipc_server_start("ipcserver");
	for (unsigned n = 1; n <= cpus; n++) {
		/* The clock's own behaviour with n CPUs busy, no kernel. */
		sweep_point("call", "cpus-shared", n, shared, 1, trips);
		sweep_point("slot", "cpus-shared", n, shared, NULL_GATES, trips);
		sweep_point("slot", "cpus-private", n, private, CLONE_GATES, trips);
		sweep_point("cr3", "cpus-shared", n, shared, NULLC_GATES, trips);
		if (server)
			sweep_point("ipc", "cpus-shared", n, shared, 0, trips);
	}
	ipc_server_stop(server);
	for (unsigned k = 1; k <= cpus; k++)
		unmap_point(k, quick ? 11 : UNMAP_SAMPLES);
}
