/* bench.c - run the ring-3 benchmark program and report its rows. */
#include "bench.h"
#include "bootinfo.h"
#include "driver.h"
#include "memlayout.h"
#include "slotgate/gates.h"
#include "console.h"
#include "coreclock.h"
#include "cpu.h"
#include "flush.h"
#include "errno.h"
#include "heap.h"
#include "kstring.h"
#include "ipc.h"
#include "lapic.h"
#include "percpu.h"
#include "pmu.h"
#include "stats.h"
#include "summary.h"
#include "user.h"
#include "window.h"

static u64 timer_overhead; /* median of the "timer" row, in TSC ticks */
static struct slot_counters last; /* at the end of the previous report */
static u64 last_fastpath;         /* cpu->counters.fastpath_calls, likewise */
static struct coreclock_sample last_clock; /* APERF/MPERF, likewise */
static struct pmu_sample last_pmu;         /* the PMU's counters, likewise */

/* The counters a row reports from, as they are now. */
static void mark_counters(void)
{
	last = this_cpu()->slots.counters;
	last_fastpath = this_cpu()->counters.fastpath_calls;
	cpu_core_clock_sample(&last_clock);
	pmu_sample(&last_pmu);
}

/* The PMU's counts over the row's window (pmu.h), where they are
 * counted: ",\"pmu_instructions\":N,\"pmu_itlb_walks\":N..." totals,
 * per round trip once divided by counters_per, as the kernel's own
 * counters.  Empty where there are none. */
static void pmu_fields(char *buf, size_t size)
{
	const struct pmu_event_set *set = pmu_events();
	struct pmu_sample now;
	size_t len = 0;
	buf[0] = '\0';
	pmu_sample(&now);
	for (u32 i = 0; set && i < set->n; i++) {
		u64 d;
		if (!pmu_delta_of(&last_pmu, &now, i, &d))
			return;
		len += (size_t)ksnprintf(buf + len, size - len, ",\"pmu_%s\":%lu",
					 set->ev[i].name, d);
		if (len >= size) {
			buf[0] = '\0'; /* cut short: better none than half */
			return;
		}
	}
}

/* The row's figures in core cycles, where the CPU has APERF/MPERF: its
 * TSC-tick statistics scaled by the core clock's mean ratio to the
 * reference clock over the row (coreclock.h), measured from the previous
 * report to this one, the same window as the counters.  A JSON fragment
 * (",\"core_median\":..."), empty where there is no such figure. */
static u64 core_fields(char *buf, size_t size, const struct bench_stats *s)
{
	struct coreclock_sample now;
	struct coreclock_ratio r;
	buf[0] = '\0';
	cpu_core_clock_sample(&now);
	if (!coreclock_ratio(&last_clock, &now, &r))
		return 0;
	u64 median = coreclock_cycles(s->median, &r);
	ksnprintf(buf, size,
		  ",\"core_median\":%lu,\"core_p10\":%lu,\"core_p90\":%lu,"
		  "\"core_min\":%lu,\"core_milli\":%lu,\"c0_milli\":%lu",
		  median, coreclock_cycles(s->p10, &r), coreclock_cycles(s->p90, &r),
		  coreclock_cycles(s->min, &r), r.core_milli, r.c0_milli);
	return median;
}

static void print_env(void)
{
	const struct cpu_features *f = &cpu_features;
	kprintf("BENCH_ENV {\"vendor\":\"%s\",\"cpu\":\"%s\",\"hypervisor\":\"%s\","
		"\"family\":%u,\"model\":%u,\"pcid\":%d,\"invpcid\":%d,\"pge\":%d,"
		"\"nx\":%d,\"smep\":%d,\"smap\":%d,\"x2apic\":%d,"
		"\"invariant_tsc\":%d,\"rdtscp\":%d,\"tsc_hz\":%lu,"
		"\"tsc_source\":\"%s\",\"aperfmperf\":%d,\"core_clock\":\"%s\","
		"\"pmu\":\"%s\",\"flush\":\"%s\"}\n",
		f->vendor, f->brand, f->hypervisor, f->family, f->model, f->pcid,
		f->invpcid, f->pge, f->nx, f->smep, f->smap, f->x2apic,
		f->invariant_tsc, f->rdtscp, f->tsc_hz, f->tsc_source, f->aperfmperf,
		f->core_clock_note, pmu_note(), FLUSH_NAME);
}

/* Kernel work per round trip: the counters moved between the previous
 * report and this one, over the row's samples (only the loop ran). */
static void print_row(const char *name, u64 param, u64 cold,
		      const struct bench_stats *s, u64 overhead, u64 samples)
{
	const struct slot_counters *now = &this_cpu()->slots.counters;
	char mech[BENCH_NAME_MAX + 8], core[160], counted[160];
	u64 core_median = core_fields(core, sizeof(core), s);
	pmu_fields(counted, sizeof(counted));
	/* "MECHANISM[/BENCH]": "slot" is this build's strategy, "cr3" names
	 * its PCID variant in PCID builds; the bench defaults to a round trip. */
	const char *slash = name;
	while (*slash && *slash != '/')
		slash++;
	const char *bench = *slash ? slash + 1 : "roundtrip";
	int n = (int)(slash - name);
	if (n == 4 && strncmp(name, "slot", 4) == 0)
		ksnprintf(mech, sizeof(mech), "slot-%s", FLUSH_NAME);
	else if (n == 3 && strncmp(name, "cr3", 3) == 0 && flush_uses_pcid())
		ksnprintf(mech, sizeof(mech), "cr3-pcid");
	else {
		memcpy(mech, name, (size_t)n);
		mech[n] = '\0';
	}
	kprintf("BENCH {\"mechanism\":\"%s\",\"bench\":\"%s\",\"param\":%lu,"
		"\"median\":%lu,\"p10\":%lu,\"p90\":%lu,\"min\":%lu,\"max\":%lu,"
		"\"n\":%lu,\"cold\":%lu,\"overhead\":%lu,\"unit\":\"tsc\","
		"\"cr3_writes\":%lu,\"invlpgs\":%lu,\"invpcids\":%lu,"
		"\"pml4e_writes\":%lu,\"fastpath\":%lu,\"counters_per\":%lu%s%s}\n",
		mech, bench, param, s->median, s->p10, s->p90, s->min, s->max, s->n, cold,
		overhead, now->cr3_writes - last.cr3_writes,
		now->invlpgs - last.invlpgs, now->invpcids - last.invpcids,
		now->pml4e_writes - last.pml4e_writes,
		this_cpu()->counters.fastpath_calls - last_fastpath, samples, core,
		counted);
	summary_add(mech, bench, s, core_median);
}

i64 bench_record_user(u64 uname, u64 usamples, u64 count, u64 param, u64 calls)
{
	char name[BENCH_NAME_MAX];
	struct bench_stats s;

	if (count < 2 || count > BENCH_MAX_SAMPLES)
		return -E_RANGE;
	if (user_copy_from(name, uname, sizeof(name)) != 0)
		return -E_FAULT;
	name[sizeof(name) - 1] = '\0';
	u64 *v = kmalloc(count * sizeof(u64));
	if (!v)
		return -E_NOMEM;
	if (user_copy_from(v, usamples, count * sizeof(u64)) != 0) {
		kfree(v);
		return -E_FAULT;
	}
	bool is_timer = strcmp(name, "timer") == 0;
	u64 overhead = is_timer ? 0 : timer_overhead;
	u64 cold = v[0] > overhead ? v[0] - overhead : 0;
	/* The first sample ran cold: reported apart, not in the statistics. */
	for (u64 i = 1; i < count; i++)
		v[i] = v[i] > overhead ? v[i] - overhead : 0;
	stats_compute(v + 1, count - 1, &s);
	if (is_timer)
		timer_overhead = s.median;
	print_row(name, param, cold, &s, overhead, calls >= count ? calls : count);
	kfree(v);
	mark_counters();
	return 0;
}

static bool bench_running;
static struct driver *clones[LAST_DRIVER_SLOT];
static unsigned clone_count;

/* Copies of the null driver for the driver-count sweep: copy i answers at
 * CLONE_GATES + CLONE_STRIDE * i.  Returns how many there are (fewer when
 * slots run out). */
i64 bench_grow_clones(u64 want)
{
	const void *image;
	size_t size;
	if (!module_find("null", &image, &size))
		return -E_NOENT;
	while (clone_count < want && clone_count < ARRAY_SIZE(clones)) {
		struct driver_options opt = {
			.gate_base = CLONE_GATES + CLONE_STRIDE * clone_count};
		char name[DRIVER_NAME_MAX];
		ksnprintf(name, sizeof(name), "clone%u", clone_count);
		if (driver_load(name, image, size, &opt, &clones[clone_count]) != 0)
			break;
		clone_count++;
	}
	return clone_count;
}

static void drop_clones(void)
{
	while (clone_count)
		driver_unload(clones[--clone_count]);
}

i64 bench_set(u64 knob, u64 value)
{
	if (!bench_running)
		return -E_PERM;
	switch (knob) {
	case BENCH_COPY_MAX:
		window_copy_max = value;
		return 0;
	case BENCH_CLONES: {
		i64 n = bench_grow_clones(value);
		mark_counters(); /* loading is not the row's work */
		return n;
	}
	default:
		return cpusweep_knob(knob, value);
	}
}

/* The programs in order, each with the IPC server its `ipc` rows call
 * (the endpoint serves one at a time): started before the program and
 * stopped after it.  The first program must be there, the others may not. */
static const struct {
	const char *program, *server;
} programs[] = {
	{"bench", "ipcserver"}, /* the ipc round trip */
	{"sweep", "ipcserver"},  /* ipc/working-set */
	{"bufsweep", NULL},
	{"fsbench", "ipcfs"},   /* ipc/ramfs-file */
};

static int run_program(size_t i, u64 arg, i64 *code)
{
	struct thread *server = NULL;
	if (programs[i].server)
		server = ipc_server_start(programs[i].server);
	mark_counters();
	int err = user_run_module(programs[i].program, arg, code, NULL);
	ipc_server_stop(server);
	/* A program's knobs end with it: the next one measures the kernel
	 * as built (the buffer sweep leaves window_copy_max at its last row's
	 * setting, which the file-system rows measured until this line). */
	window_copy_max = PTR_COPY_MAX;
	if (err == -E_NOENT && i > 0)
		err = 0; /* a sweep this ISO does not carry */
	return err;
}

void bench_run_all(void)
{
	i64 code = 0;
	int err = 0;

	print_env();
	summary_reset();
	timer_overhead = 0;
	/* No timer interrupt may land inside a timed region, on any CPU: an
	 * idle CPU woken by its tick would run (and, under icount, count). */
	bench_timers_off();
	/* quick=1 (make bench QUICK=1): few samples per row (slotgate/bench.h). */
	char quick[4] = "0";
	cmdline_get("quick", quick, sizeof(quick));
	u64 arg = quick[0] == '1';
	bench_running = true;
	for (size_t i = 0; i < ARRAY_SIZE(programs) && !err && !code; i++)
		err = run_program(i, arg, &code);
	if (!err && !code)
		bench_cpu_sweep(arg); /* last: it stops every CPU's timer */
	bench_running = false;
	drop_clones();
	kprintf("BENCH_DONE {\"error\":%d,\"exit\":%ld}\n", err, code);
	summary_print(err, code);
}
