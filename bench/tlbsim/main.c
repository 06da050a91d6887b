/*
 * main.c - tlbsim, the TLB simulator's command (docs/tlb-simulation.md).
 *
 *   tlbsim [--preset NAME] [--skip N] [--set ARRAY=E/W]
 *          [--ps PDE/PDPTE/PML4E] [TRACE]
 *
 * Reads an event stream (scripts/bochs_trace.py writes it; TRACE or
 * standard input), one event a line:
 *   M text                  a marker: "trip N begin" and "trip N end"
 *                           enclose round trip N; others are ignored
 *   C cr3                   CR3 as the trace starts (nothing cached yet)
 *   E cr4                   CR4: PCIDE (bit 17)
 *   X cr3                   MOV to CR3
 *   G va                    INVLPG
 *   V type pcid va          INVPCID
 *   T page size global      the translation of a page: size 4k or 2m
 *   I lin phy               an instruction fetch
 *   R lin phy len, W ...    a data read or write
 * (numbers in hex but len and type), simulates them on the preset, and
 * prints one JSON line: per round trip, over the trips after the first
 * N (--skip, default 1: the simulated TLB starts empty, so the first trip
 * warms it), the translations, level-1 misses and walks of fetches and
 * data, the walks' memory references, whose pages the walks were for, and
 * the CR3 writes, INVLPGs and INVPCIDs.  Everything between the trips
 * (the harness) is simulated too, and not counted.
 *
 * Whose: the kernel's (upper half), or the caller's or the callee's.  The
 * caller is what runs under the CR3 the trace starts with in the
 * application slot (slot 0); the callee is a driver's slot (1..255) or
 * anything under another CR3 (an IPC server, a CR3-mode driver).
 * A page with no T event is taken as Slotgate maps it
 * (docs/memory-map.md): upper half global, the direct map (PML4 entry
 * 256) in 2 MiB pages, everything else 4 KiB.
 */
#include "tlbsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KERNEL_HALF 0xffff800000000000ull
#define DIRECT_MAP_END 0xffff808000000000ull /* PML4 entry 256 */
#define CR3_ADDR 0x000ffffffffff000ull
#define PAGES_MAX 65536

enum owner { CALLER, CALLEE, KERNEL, OWNERS };
static const char *const owner_names[OWNERS] = {"caller", "callee", "kernel"};

struct page_info {
	uint64_t base; /* 0: empty slot */
	struct tlbsim_page page;
};

static struct page_info pages[PAGES_MAX];

struct totals {
	uint64_t accesses[3], l1_misses[3], l2_misses[3], walk_refs;
	uint64_t cr3_writes, cr3_noflush, invlpgs, invpcids;
	uint64_t instructions, walks_by[OWNERS];
};

struct run {
	struct tlbsim *sim;
	unsigned skip;
	unsigned trips;         /* trips begun */
	unsigned counted;       /* trips ended and counted */
	bool inside;            /* in a counted trip */
	bool pcide;
	uint64_t home_cr3;      /* the caller's CR3 */
	struct tlbsim_stats at_begin;
	struct totals t;
};

static uint32_t page_hash(uint64_t base) { return (uint32_t)((base >> 12) * 2654435761u) % PAGES_MAX; }

static void page_note(uint64_t base, struct tlbsim_page p)
{
	uint32_t h = page_hash(base);
	for (uint32_t i = 0; i < PAGES_MAX; i++, h = (h + 1) % PAGES_MAX)
		if (pages[h].base == 0 || pages[h].base == base) {
			pages[h] = (struct page_info){base, p};
			return;
		}
}

static bool page_known(uint64_t base, struct tlbsim_page *p)
{
	uint32_t h = page_hash(base);
	for (uint32_t i = 0; i < PAGES_MAX && pages[h].base; i++, h = (h + 1) % PAGES_MAX)
		if (pages[h].base == base) {
			*p = pages[h].page;
			return true;
		}
	return false;
}

/* The translation of @va: as a T event said, else Slotgate's layout. */
static struct tlbsim_page page_of(uint64_t va)
{
	struct tlbsim_page p;
	if (page_known(va & ~0xfffull, &p) || page_known(va & ~0x1fffffull, &p))
		return p;
	bool kernel = va >= KERNEL_HALF;
	bool direct = kernel && va < DIRECT_MAP_END;
	return (struct tlbsim_page){direct ? TLBSIM_2M : TLBSIM_4K, kernel};
}

static enum owner owner_of(const struct run *r, uint64_t va)
{
	if (va >= KERNEL_HALF)
		return KERNEL;
	if ((tlbsim_cr3(r->sim) & CR3_ADDR) != (r->home_cr3 & CR3_ADDR))
		return CALLEE;
	return va >> 39 ? CALLEE : CALLER;
}

static void translate(struct run *r, enum tlbsim_side side, uint64_t va)
{
	if (!tlbsim_access(r->sim, side, va, page_of(va), NULL) && r->inside)
		r->t.walks_by[owner_of(r, va)]++;
}

/* "trip N begin" / "trip N end": count what happens in between. */
static void marker(struct run *r, const char *text)
{
	unsigned n;
	char what[8];
	if (sscanf(text, "trip %u %7s", &n, what) != 2)
		return;
	if (strcmp(what, "begin") == 0) {
		r->inside = r->trips++ >= r->skip;
		r->at_begin = *tlbsim_stats(r->sim);
	} else if (strcmp(what, "end") == 0 && r->inside) {
		const struct tlbsim_stats *now = tlbsim_stats(r->sim), *b = &r->at_begin;
		for (int i = 0; i < 3; i++) {
			r->t.accesses[i] += now->accesses[i] - b->accesses[i];
			r->t.l1_misses[i] += now->l1_misses[i] - b->l1_misses[i];
			r->t.l2_misses[i] += now->l2_misses[i] - b->l2_misses[i];
		}
		r->t.walk_refs += now->walk_refs - b->walk_refs;
		r->t.cr3_writes += now->cr3_writes - b->cr3_writes;
		r->t.cr3_noflush += now->cr3_noflush - b->cr3_noflush;
		r->t.invlpgs += now->invlpgs - b->invlpgs;
		r->t.invpcids += now->invpcids - b->invpcids;
		r->counted++;
		r->inside = false;
	}
}

/* One event line; false if it is not one. */
static bool event(struct run *r, char *line)
{
	uint64_t a = 0, b = 0, c = 0;
	char word[16] = "";
	switch (line[0]) {
	case 'M':
		line[strcspn(line, "\n")] = '\0';
		marker(r, line[1] ? line + 2 : line + 1);
		return true;
	case 'C':
		if (sscanf(line + 1, "%" SCNx64, &a) != 1)
			return false;
		tlbsim_reset(r->sim, a, r->pcide);
		r->home_cr3 = a;
		return true;
	case 'E':
		if (sscanf(line + 1, "%" SCNx64, &a) != 1)
			return false;
		r->pcide = a & (1u << 17);
		tlbsim_set_pcide(r->sim, r->pcide);
		return true;
	case 'X':
		if (sscanf(line + 1, "%" SCNx64, &a) != 1)
			return false;
		tlbsim_write_cr3(r->sim, a);
		return true;
	case 'G':
		if (sscanf(line + 1, "%" SCNx64, &a) != 1)
			return false;
		tlbsim_invlpg(r->sim, a);
		return true;
	case 'V':
		if (sscanf(line + 1, "%" SCNu64 " %" SCNx64 " %" SCNx64, &a, &b, &c) != 3)
			return false;
		tlbsim_invpcid(r->sim, a, b, c);
		return true;
	case 'T':
		if (sscanf(line + 1, "%" SCNx64 " %15s %" SCNu64, &a, word, &b) != 3)
			return false;
		page_note(a, (struct tlbsim_page){strcmp(word, "2m") == 0 ? TLBSIM_2M
									 : TLBSIM_4K,
						  b != 0});
		return true;
	case 'I':
		if (sscanf(line + 1, "%" SCNx64, &a) != 1)
			return false;
		if (r->inside)
			r->t.instructions++;
		translate(r, TLBSIM_FETCH, a);
		return true;
	case 'R':
	case 'W':
		if (sscanf(line + 1, "%" SCNx64 " %" SCNx64 " %" SCNu64, &a, &b, &c) != 3)
			return false;
		translate(r, TLBSIM_DATA, a);
		if (c > 1 && ((a + c - 1) ^ a) >> 12) /* crosses into the next page */
			translate(r, TLBSIM_DATA, (a + c - 1) & ~0xfffull);
		return true;
	default:
		return line[0] == '#' || line[0] == '\n' || line[0] == '\0';
	}
}

static void report(const struct run *r, const struct tlbsim_geometry *g)
{
	const struct totals *t = &r->t;
	double n = r->counted ? r->counted : 1;
	printf("{\"preset\":\"%s\",\"trips\":%u,\"instructions\":%.1f,"
	       "\"fetch_translations\":%.1f,\"fetch_l1_misses\":%.2f,\"fetch_walks\":%.2f,"
	       "\"data_translations\":%.1f,\"data_l1_misses\":%.2f,\"data_walks\":%.2f,"
	       "\"walks\":%.2f,\"walk_refs\":%.2f,",
	       g->name, r->counted, t->instructions / n, t->accesses[TLBSIM_FETCH] / n,
	       t->l1_misses[TLBSIM_FETCH] / n, t->l2_misses[TLBSIM_FETCH] / n,
	       t->accesses[TLBSIM_DATA] / n, t->l1_misses[TLBSIM_DATA] / n,
	       t->l2_misses[TLBSIM_DATA] / n,
	       (t->l2_misses[TLBSIM_FETCH] + t->l2_misses[TLBSIM_DATA]) / n, t->walk_refs / n);
	for (int o = 0; o < OWNERS; o++)
		printf("\"walks_%s\":%.2f,", owner_names[o], t->walks_by[o] / n);
	printf("\"cr3_writes\":%.2f,\"cr3_noflush\":%.2f,\"invlpgs\":%.2f,\"invpcids\":%.2f,\"faults\":%" PRIu64
	       ",\"source\":\"%s\",\"ps_source\":\"%s\"}\n",
	       t->cr3_writes / n, t->cr3_noflush / n, t->invlpgs / n, t->invpcids / n,
	       tlbsim_stats(r->sim)->faults, g->source, g->ps_source ? g->ps_source : "");
}

static int usage(void)
{
	fprintf(stderr, "usage: tlbsim [--preset NAME] [--skip N] "
			"[--set ARRAY=ENTRIES/WAYS] [--ps PDE/PDPTE/PML4E] [TRACE]\n"
			"presets:");
	for (unsigned i = 0; tlbsim_preset_at(i); i++)
		fprintf(stderr, " %s", tlbsim_preset_at(i)->name);
	fprintf(stderr, "\n");
	return 2;
}

/* --set "NAME=E/W": array NAME of @g gets E entries in W ways. */
static bool set_array(struct tlbsim_geometry *g, const char *spec)
{
	const char *eq = strchr(spec, '=');
	unsigned e, w;
	if (!eq || sscanf(eq + 1, "%u/%u", &e, &w) != 2)
		return false;
	for (unsigned i = 0; i < g->narrays; i++)
		if (strlen(g->arrays[i].name) == (size_t)(eq - spec) &&
		    strncmp(g->arrays[i].name, spec, (size_t)(eq - spec)) == 0) {
			g->arrays[i].entries = e;
			g->arrays[i].ways = w;
			g->source = "overridden on the command line";
			return true;
		}
	return false;
}

int main(int argc, char **argv)
{
	struct tlbsim_geometry g = *tlbsim_preset("skylake");
	struct run r = {.skip = 1};
	FILE *in = stdin;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--preset") == 0 && val) {
			const struct tlbsim_geometry *p = tlbsim_preset(val);
			if (!p)
				return usage();
			g = *p;
			i++;
		} else if (strcmp(arg, "--skip") == 0 && val) {
			r.skip = (unsigned)strtoul(val, NULL, 10), i++;
		} else if (strcmp(arg, "--set") == 0 && val) {
			if (!set_array(&g, val))
				return usage();
			i++;
		} else if (strcmp(arg, "--ps") == 0 && val) {
			if (sscanf(val, "%u/%u/%u", &g.ps_entries[2], &g.ps_entries[3],
				   &g.ps_entries[4]) != 3)
				return usage();
			g.ps_source = "overridden on the command line";
			i++;
		} else if (arg[0] == '-' || in != stdin) {
			return usage();
		} else if (!(in = fopen(arg, "r"))) {
			perror(arg);
			return 1;
		}
	}
	r.sim = tlbsim_new(&g, 0, false);
	if (!r.sim)
		return 1;
	char line[512];
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (!event(&r, line)) {
			fprintf(stderr, "tlbsim: line %lu: not an event: %s", lineno, line);
			return 1;
		}
	}
	report(&r, &g);
	tlbsim_free(r.sim);
	if (in != stdin)
		fclose(in);
	return 0;
}
