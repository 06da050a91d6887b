/* pmu.c - the performance counters the bench reads (see pmu.h). */
#include "pmu.h"
#include "arch/x86.h"
#include "console.h"
#include "cpu.h"
#include "kstring.h"
#include "percpu.h"
#include "trap.h"

#define MSR_PERF_GLOBAL_CTRL 0x38fu     /* Intel, version 2 and later */
#define MSR_AMD_GLOBAL_CTL 0xc0000301u  /* AMD PerfMonV2 */
#define PROBE_LOOPS 20000u              /* each at least two instructions */

static struct {
	const struct pmu_event_set *set; /* NULL: nothing counted */
	enum pmu_layout layout;
	u32 width; /* counter bits */
	u32 cpu;   /* the programmed CPU */
	char note[96];
} pmu = {.note = "none: not probed"};

/* Where event i's select and counter MSRs are: base + stride * i. */
static const struct {
	u32 sel, ctr, stride;
} msrs[] = {
	[PMU_INTEL] = {0x186, 0xc1, 1},                 /* IA32_PERFEVTSELx, IA32_PMCx */
	[PMU_AMD_LEGACY] = {0xc0010000, 0xc0010004, 1}, /* PERF_CTL0-3, PERF_CTR0-3 */
	[PMU_AMD_EXT] = {0xc0010200, 0xc0010201, 2},    /* interleaved CTL/CTR pairs */
};

static u32 sel_msr(enum pmu_layout l, unsigned i) { return msrs[l].sel + msrs[l].stride * i; }

static u32 ctr_msr(enum pmu_layout l, unsigned i) { return msrs[l].ctr + msrs[l].stride * i; }

/* Does this layout have a global enable to set as well? */
static u32 global_msr(enum pmu_layout l)
{
	if (l == PMU_INTEL)
		return MSR_PERF_GLOBAL_CTRL;
	u32 r[4];
	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000022)
		return 0;
	cpuid(0x80000022, 0, r);
	return r[0] & 1 ? MSR_AMD_GLOBAL_CTL : 0; /* PerfMonV2 */
}

struct program {
	enum pmu_layout layout;
	const struct pmu_event_set *set;
	bool start;      /* program and start, or stop */
	u64 instructions; /* read back by probe_spin() */
};

/* Counters cleared, then each select written (counting) or zeroed
 * (stopped).  The selects are written with EN clear first, so no counter
 * runs while another is still being set up. */
static void program(void *arg)
{
	struct program *p = arg;
	for (u32 i = 0; i < p->set->n; i++) {
		wrmsr(sel_msr(p->layout, i), 0);
		wrmsr(ctr_msr(p->layout, i), 0);
	}
	if (!p->start)
		return;
	u32 global = global_msr(p->layout);
	if (global)
		wrmsr(global, rdmsr(global) | ((1ull << p->set->n) - 1));
	for (u32 i = 0; i < p->set->n; i++)
		wrmsr(sel_msr(p->layout, i), pmu_select(&p->set->ev[i]));
}

/* A loop the compiler cannot drop, then event 0 (instructions) read. */
static void probe_spin(void *arg)
{
	struct program *p = arg;
	volatile u32 n = 0;
	while (n < PROBE_LOOPS)
		n = n + 1;
	p->instructions = rdmsr(ctr_msr(p->layout, 0));
}

const char *pmu_try(enum pmu_layout layout, const struct pmu_event_set *set)
{
	struct program p = {layout, set, true, 0};
	struct fault_info info;

	bool faulted = trap_catch(program, &p, &info) >= 0 ||
		       trap_catch(probe_spin, &p, &info) >= 0;
	p.start = false;
	faulted |= trap_catch(program, &p, &info) >= 0; /* stopped again */
	if (faulted)
		return "none: a performance-counter MSR faults";
	if (p.instructions < PROBE_LOOPS)
		return "none: the counters do not count";
	return NULL;
}

/* The layout and width where CPUID enumerates enough counters for @set,
 * else NULL with the reason in pmu.note. */
static bool find_counters(const struct pmu_event_set *set)
{
	u32 r[4];
	if (strcmp(cpu_features.vendor, "AuthenticAMD") == 0) {
		cpuid(0x80000001, 0, r);
		pmu.layout = r[2] & (1u << 23) ? PMU_AMD_EXT : PMU_AMD_LEGACY;
		pmu.width = 48; /* APM vol. 2 §13.2: 48-bit counters */
		return true;
	}
	cpuid(0, 0, r);
	if (r[0] < 0xa) {
		ksnprintf(pmu.note, sizeof(pmu.note), "none: no CPUID leaf 0AH");
		return false;
	}
	/* SDM 2A, CPUID leaf 0AH: EAX version 7:0, counters 15:8, width
	 * 23:16, EBX length 31:24; EBX bit 1 set: no instructions retired. */
	cpuid(0xa, 0, r);
	u32 version = r[0] & 0xff, n = (r[0] >> 8) & 0xff, len = r[0] >> 24;
	if (version < 2 || n < set->n || len < 2 || (r[1] & 2)) {
		ksnprintf(pmu.note, sizeof(pmu.note),
			  "none: CPUID.0AH: version %u, %u counters (%u needed)",
			  version, n, set->n);
		return false;
	}
	pmu.layout = PMU_INTEL;
	pmu.width = (r[0] >> 16) & 0xff;
	return true;
}

/* Intel's core type of this CPU on a hybrid part (CPUID.07H:EDX[15],
 * then CPUID.1AH:EAX[31:24]), else 0. */
static u32 core_type(void)
{
	u32 r[4];
	cpuid(0, 0, r);
	if (r[0] < 0x1a)
		return 0;
	cpuid(7, 0, r);
	if (!(r[3] & (1u << 15)))
		return 0;
	cpuid(0x1a, 0, r);
	return r[0] >> 24;
}

static enum pmu_vendor vendor(void)
{
	if (strcmp(cpu_features.vendor, "GenuineIntel") == 0)
		return PMU_VENDOR_INTEL;
	if (strcmp(cpu_features.vendor, "AuthenticAMD") == 0)
		return PMU_VENDOR_AMD;
	return PMU_VENDOR_OTHER;
}

void pmu_init(void)
{
	const struct cpu_features *f = &cpu_features;
	const struct pmu_event_set *set =
		pmu_event_set(vendor(), f->family, f->model, core_type());
	struct fault_info info;

	if (!set)
		ksnprintf(pmu.note, sizeof(pmu.note),
			  "none: no TLB walk events known for %s family 0x%x model 0x%x",
			  f->vendor, f->family, f->model);
	else if (find_counters(set)) {
		const char *why = pmu_try(pmu.layout, set);
		struct program p = {pmu.layout, set, true, 0};
		if (!why && trap_catch(program, &p, &info) >= 0)
			why = "none: a performance-counter MSR faults";
		if (why) {
			ksnprintf(pmu.note, sizeof(pmu.note), "%s", why);
		} else {
			pmu.set = set;
			pmu.cpu = this_cpu()->id;
			ksnprintf(pmu.note, sizeof(pmu.note), "%s: %u events", set->core, set->n);
		}
	}
	kprintf("pmu: %s\n", pmu.note);
}

const struct pmu_event_set *pmu_events(void) { return pmu.set; }

const char *pmu_note(void) { return pmu.note; }

void pmu_sample(struct pmu_sample *s)
{
	*s = (struct pmu_sample){.cpu = this_cpu()->id};
	if (!pmu.set || s->cpu != pmu.cpu)
		return;
	for (u32 i = 0; i < pmu.set->n; i++)
		s->v[i] = rdmsr(ctr_msr(pmu.layout, i));
	s->valid = true;
}

bool pmu_delta_of(const struct pmu_sample *a, const struct pmu_sample *b,
		  unsigned i, u64 *out)
{
	if (!pmu.set || i >= pmu.set->n || !a->valid || !b->valid || a->cpu != b->cpu)
		return false;
	*out = pmu_delta(a->v[i], b->v[i], pmu.width);
	return true;
}
