/* summary.c - the benchmark's end screen (see summary.h). */
#include "summary.h"
#include "bench.h"
#include "console.h"
#include "cpu.h"
#include "kstring.h"

struct summary_row {
	char mech[BENCH_NAME_MAX + 8];
	struct bench_stats s;
	u64 core_median; /* 0: no core-cycle figure */
};

static struct summary_row rows[SUMMARY_MAX_ROWS];
static size_t nrows;
static size_t dropped;

/* The order of scripts/plot.py's ORDER: the cheapest mechanisms first. */
static const char *const order[] = {
	"call", "syscall", "ipc", "trusted", "allmapped", "cr3", "cr3-pcid",
	"slot-reload", "slot-invlpg", "slot-pcid", "slot-invpcid",
};

static size_t rank(const char *mech)
{
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (strcmp(mech, order[i]) == 0)
			return i;
	return ARRAY_SIZE(order);
}

void summary_reset(void)
{
	nrows = 0;
	dropped = 0;
}

void summary_add(const char *mech, const char *bench, const struct bench_stats *s,
		 u64 core_median)
{
	if (strcmp(bench, "roundtrip") != 0)
		return;
	for (size_t i = 0; i < nrows; i++)
		if (strcmp(rows[i].mech, mech) == 0)
			return;
	if (nrows == SUMMARY_MAX_ROWS) {
		dropped++;
		return;
	}
	struct summary_row *r = &rows[nrows++];
	size_t n = MIN(strlen(mech), sizeof(r->mech) - 1);
	memcpy(r->mech, mech, n);
	r->mech[n] = '\0';
	r->s = *s;
	r->core_median = core_median;
}

/* What CPUID's hypervisor leaf says runs us, in words. */
static const char *accelerator(const char *sig)
{
	static const struct {
		const char *sig, *name;
	} known[] = {
		{"TCGTCGTCGTCG", "QEMU TCG (emulated: not hardware figures)"},
		{"KVMKVMKVM", "KVM"},
		{"Microsoft Hv", "Hyper-V"},
		{"VMwareVMware", "VMware"},
		{"XenVMMXenVMM", "Xen"},
		{"bhyve bhyve ", "bhyve"},
	};

	if (!*sig)
		return "none reported (bare metal, or Bochs)";
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(sig, known[i].sig) == 0)
			return known[i].name;
	return sig;
}

/* @v / @base to two decimals, as "12.34", into @buf. */
static void ratio(char *buf, size_t size, u64 v, u64 base)
{
	if (!base) {
		ksnprintf(buf, size, "-");
		return;
	}
	u64 hundredths = (v * 100 + base / 2) / base;
	ksnprintf(buf, size, "%lu.%02lu", hundredths / 100, hundredths % 100);
}

void summary_print(int err, i64 code)
{
	const struct cpu_features *f = &cpu_features;
	u64 syscall = 0, overhead = 0;
	bool shown[SUMMARY_MAX_ROWS] = {false};

	for (size_t i = 0; i < nrows; i++) {
		if (strcmp(rows[i].mech, "syscall") == 0)
			syscall = rows[i].s.median;
		if (strcmp(rows[i].mech, "timer") == 0)
			overhead = rows[i].s.median; /* the first program's, as its rows */
	}
	/* What the screen cost the run (COM1, and the screen until cleared). */
	u64 ticks, chars;
	screen_cost(&ticks, &chars);
	kprintf("screen: %lu characters drawn in %lu TSC ticks (%lu ms at %lu Hz)\n",
		chars, ticks, f->tsc_hz ? ticks * 1000 / f->tsc_hz : 0, f->tsc_hz);
	screen_clear();
	kprintf("Slotgate: what a round trip costs (FLUSH=%s)\n", FLUSH_NAME);
	kprintf("cpu: %s \"%s\" family %u model %u\n", f->vendor, f->brand,
		f->family, f->model);
	kprintf("accelerator: %s\n", accelerator(f->hypervisor));
	kprintf("tsc: %lu Hz (%s), invariant %s; pcid %s, invpcid %s\n", f->tsc_hz,
		f->tsc_source, f->invariant_tsc ? "yes" : "no", f->pcid ? "yes" : "no",
		f->invpcid ? "yes" : "no");
	kprintf("unit: TSC ticks (QEMU icount: instructions), timer overhead %lu"
		" subtracted\n", overhead);
	kprintf("core cycles: %s\n\n", f->core_clock ? "the median scaled by APERF/MPERF"
						    : f->core_clock_note);
	kprintf("%-16s%11s%10s%10s%9s%12s%7s\n", "mechanism", "median", "p10", "p90",
		"/syscall", "core cycles", "n");
	/* In plot.py's order; a selection sort over a dozen rows. */
	for (size_t k = 0; k < nrows; k++) {
		size_t best = nrows;
		for (size_t i = 0; i < nrows; i++)
			if (!shown[i] && strcmp(rows[i].mech, "timer") != 0 &&
			    (best == nrows || rank(rows[i].mech) < rank(rows[best].mech)))
				best = i;
		if (best == nrows)
			break;
		shown[best] = true;
		const struct summary_row *r = &rows[best];
		char x[16], core[24] = "-";
		ratio(x, sizeof(x), r->s.median, syscall);
		if (r->core_median)
			ksnprintf(core, sizeof(core), "%lu", r->core_median);
		kprintf("%-16s%11lu%10lu%10lu%9s%12s%7lu\n", r->mech, r->s.median,
			r->s.p10, r->s.p90, x, core, r->s.n);
	}
	if (dropped)
		kprintf("(%zu more round-trip rows on COM1)\n", dropped);
	kprintf("\nsweeps (working set, buffers, files, CPUs): the BENCH lines on COM1\n");
	kprintf("run: %s (error %d, exit %ld)\n", err || code ? "FAILED" : "complete",
		err, code);
}
