/* tlbsim.c - the TLB simulator (see tlbsim.h). */
#include "tlbsim.h"
#include "tlb_rules.h"

#include <stdlib.h>
#include <string.h>

#define VA48 0x0000ffffffffffffull

struct line {
	uint64_t vpn;   /* the page number, in pages of its size */
	uint64_t used;  /* the clock at the last use: LRU */
	uint16_t pcid;
	uint8_t size;   /* enum tlbsim_size */
	bool global, valid;
};

struct array {
	struct tlbsim_array g;
	unsigned sets;
	struct line *lines; /* [set * ways + way] */
};

struct ps_line {
	uint64_t tag;   /* VA >> (12 + 9 * (level - 1)) */
	uint64_t used;
	uint16_t pcid;
	bool valid;
};

struct tlbsim {
	struct tlbsim_geometry g;
	struct array arrays[TLBSIM_ARRAYS_MAX];
	struct ps_line *ps[5]; /* [2] PDE, [3] PDPTE, [4] PML4E */
	uint64_t cr3, clock;
	uint16_t pcid;
	bool pcide;
	struct tlbsim_stats st;
};

static unsigned shift_of(enum tlbsim_size size) { return size == TLBSIM_2M ? 21 : 12; }
static unsigned ps_shift(int level) { return 12 + 9 * (unsigned)(level - 1); }

struct tlbsim *tlbsim_new(const struct tlbsim_geometry *g, uint64_t cr3, bool pcide)
{
	struct tlbsim *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->g = *g;
	for (unsigned i = 0; i < g->narrays; i++) {
		struct array *a = &s->arrays[i];
		a->g = g->arrays[i];
		if (a->g.ways == 0 || a->g.ways > a->g.entries)
			a->g.ways = a->g.entries; /* fully associative */
		/* Modulo-indexed sets; entries past the last whole set (a
		 * skewed 2048-entry 12-way array) are left out. */
		a->sets = a->g.ways ? a->g.entries / a->g.ways : 0;
		a->g.entries = a->sets * a->g.ways;
		a->lines = calloc(a->g.entries ? a->g.entries : 1, sizeof(struct line));
		if (!a->lines)
			goto fail;
	}
	for (int level = 2; level <= 4; level++) {
		s->ps[level] = calloc(g->ps_entries[level] ? g->ps_entries[level] : 1,
				      sizeof(struct ps_line));
		if (!s->ps[level])
			goto fail;
	}
	tlbsim_reset(s, cr3, pcide);
	return s;
fail:
	tlbsim_free(s);
	return NULL;
}

void tlbsim_free(struct tlbsim *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < TLBSIM_ARRAYS_MAX; i++)
		free(s->arrays[i].lines);
	for (int level = 2; level <= 4; level++)
		free(s->ps[level]);
	free(s);
}

void tlbsim_reset(struct tlbsim *s, uint64_t cr3, bool pcide)
{
	for (unsigned i = 0; i < s->g.narrays; i++)
		memset(s->arrays[i].lines, 0, s->arrays[i].g.entries * sizeof(struct line));
	for (int level = 2; level <= 4; level++)
		memset(s->ps[level], 0, s->g.ps_entries[level] * sizeof(struct ps_line));
	s->cr3 = cr3;
	s->pcide = pcide;
	s->pcid = pcide ? (uint16_t)(cr3 & 0xfff) : 0;
	s->clock = 0;
	tlbsim_stats_clear(s);
}

/* --- the events: invalidation by tlb_rules.h ------------------------------ */

static void apply(struct tlbsim *s, const struct tlb_flush *f)
{
	for (unsigned i = 0; i < s->g.narrays; i++) {
		struct array *a = &s->arrays[i];
		for (unsigned j = 0; j < a->g.entries; j++) {
			struct line *l = &a->lines[j];
			unsigned shift = shift_of(l->size);
			if (l->valid &&
			    tlb_flush_drops_page(f, l->pcid, l->global, l->vpn << shift, shift))
				l->valid = false;
		}
	}
	for (int level = 2; level <= 4; level++)
		for (unsigned j = 0; j < s->g.ps_entries[level]; j++) {
			struct ps_line *p = &s->ps[level][j];
			if (p->valid && tlb_flush_drops_ps(f, p->pcid))
				p->valid = false;
		}
}

void tlbsim_write_cr3(struct tlbsim *s, uint64_t value)
{
	uint16_t pcid = s->pcid;
	struct tlb_flush f = tlb_rule_cr3(value, s->pcide, &pcid);
	s->st.cr3_writes++;
	if (s->pcide && (value >> 63)) /* SDM 3A §4.10.4.1: keeps the PCID's entries */
		s->st.cr3_noflush++;
	if (f.fault) {
		s->st.faults++;
		return;
	}
	apply(s, &f);
	s->cr3 = value;
	s->pcid = pcid;
}

void tlbsim_invlpg(struct tlbsim *s, uint64_t va)
{
	struct tlb_flush f = tlb_rule_invlpg(va, s->pcid);
	s->st.invlpgs++;
	apply(s, &f);
}

void tlbsim_invpcid(struct tlbsim *s, uint64_t type, uint64_t pcid, uint64_t va)
{
	struct tlb_flush f = tlb_rule_invpcid(type, pcid, va, s->pcide);
	s->st.invpcids++;
	if (f.fault)
		s->st.faults++;
	else
		apply(s, &f);
}

/* CR4.PCIDE changing flushes nothing by itself here: the kernel sets it
 * once, at boot, before the traced region.  The current PCID is CR3's
 * bits 11:0 from then on (0 while PCIDE = 0). */
void tlbsim_set_pcide(struct tlbsim *s, bool pcide)
{
	s->pcide = pcide;
	s->pcid = pcide ? (uint16_t)(s->cr3 & 0xfff) : 0;
}

/* --- lookups and fills --------------------------------------------------- */

static bool serves(const struct array *a, unsigned level, enum tlbsim_side side,
		   enum tlbsim_size size)
{
	return a->g.level == level && (a->g.side & side) && (a->g.sizes & size) &&
	       a->g.entries;
}

static struct line *set_of(struct array *a, uint64_t vpn)
{
	return &a->lines[(vpn % a->sets) * a->g.ways];
}

static bool lookup(struct tlbsim *s, struct array *a, uint64_t vpn, enum tlbsim_size size)
{
	struct line *set = set_of(a, vpn);
	for (unsigned w = 0; w < a->g.ways; w++) {
		struct line *l = &set[w];
		if (l->valid && l->vpn == vpn && l->size == size &&
		    (l->global || l->pcid == s->pcid)) {
			l->used = ++s->clock;
			return true;
		}
	}
	return false;
}

static void fill(struct tlbsim *s, struct array *a, uint64_t vpn, struct tlbsim_page page)
{
	struct line *set = set_of(a, vpn), *victim = &set[0];
	for (unsigned w = 0; w < a->g.ways; w++) {
		if (!set[w].valid) {
			victim = &set[w];
			break;
		}
		if (set[w].used < victim->used)
			victim = &set[w];
	}
	*victim = (struct line){vpn, ++s->clock, s->pcid, (uint8_t)page.size,
				page.global, true};
}

/* The first array of @level serving (@side, @size) that holds @vpn; NULL
 * if none does.  *@first, if not NULL, gets the first such array. */
static struct array *find(struct tlbsim *s, unsigned level, enum tlbsim_side side,
			  enum tlbsim_size size, uint64_t vpn, struct array **first)
{
	if (first)
		*first = NULL;
	for (unsigned i = 0; i < s->g.narrays; i++) {
		struct array *a = &s->arrays[i];
		if (!serves(a, level, side, size))
			continue;
		if (first && !*first)
			*first = a;
		if (lookup(s, a, vpn, size))
			return a;
	}
	return NULL;
}

static bool ps_lookup(struct tlbsim *s, int level, uint64_t va)
{
	uint64_t tag = (va & VA48) >> ps_shift(level);
	for (unsigned j = 0; j < s->g.ps_entries[level]; j++) {
		struct ps_line *p = &s->ps[level][j];
		if (p->valid && p->tag == tag && p->pcid == s->pcid) {
			p->used = ++s->clock;
			return true;
		}
	}
	return false;
}

static void ps_fill(struct tlbsim *s, int level, uint64_t va)
{
	unsigned n = s->g.ps_entries[level];
	if (n == 0 || ps_lookup(s, level, va))
		return;
	struct ps_line *victim = &s->ps[level][0];
	for (unsigned j = 0; j < n; j++) {
		struct ps_line *p = &s->ps[level][j];
		if (!p->valid) {
			victim = p;
			break;
		}
		if (p->used < victim->used)
			victim = p;
	}
	*victim = (struct ps_line){(va & VA48) >> ps_shift(level), ++s->clock, s->pcid,
				   true};
}

/* A page walk for @va: its memory references (4 for a 4 KiB page, 3 for
 * 2 MiB), fewer from the lowest paging-structure-cache entry that hits
 * (SDM 3A §4.10.3.2); the walk fills the caches on its way. */
static unsigned walk(struct tlbsim *s, uint64_t va, enum tlbsim_size size)
{
	int leaf = size == TLBSIM_2M ? 2 : 1; /* the level the walk ends at */
	unsigned refs = (unsigned)(4 - leaf + 1);
	for (int level = leaf + 1; level <= 4; level++) {
		if (ps_lookup(s, level, va)) {
			refs = (unsigned)(level - leaf);
			s->st.ps_hits[level]++;
			break;
		}
	}
	for (int level = leaf + 1; level <= 4; level++)
		ps_fill(s, level, va);
	s->st.walk_refs += refs;
	return refs;
}

bool tlbsim_access(struct tlbsim *s, enum tlbsim_side side, uint64_t va,
		   struct tlbsim_page page, unsigned *walk_refs)
{
	uint64_t vpn = (va & VA48) >> shift_of(page.size);
	struct array *l1, *l2;

	if (walk_refs)
		*walk_refs = 0;
	s->st.accesses[side]++;
	if (find(s, 1, side, page.size, vpn, &l1))
		return true;
	s->st.l1_misses[side]++;
	bool hit2 = find(s, 2, side, page.size, vpn, &l2) != NULL;
	if (!hit2) {
		s->st.l2_misses[side]++;
		unsigned refs = walk(s, va, page.size);
		if (walk_refs)
			*walk_refs = refs;
		if (l2)
			fill(s, l2, vpn, page);
	}
	if (l1)
		fill(s, l1, vpn, page);
	return hit2;
}

uint64_t tlbsim_cr3(const struct tlbsim *s) { return s->cr3; }
uint16_t tlbsim_pcid(const struct tlbsim *s) { return s->pcid; }
const struct tlbsim_stats *tlbsim_stats(const struct tlbsim *s) { return &s->st; }
void tlbsim_stats_clear(struct tlbsim *s) { memset(&s->st, 0, sizeof(s->st)); }
