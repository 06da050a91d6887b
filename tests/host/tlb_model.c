/*
 * tlb_model.c - the TLBs and paging-structure caches of a few logical
 * processors, as much as Intel SDM vol. 3A §4.10 lets them hold.
 *
 * Each CPU has its own state (TLBs are per logical processor, §4.10: an
 * invalidation acts on the processor that executes it only, which is why
 * the kernel needs shootdowns): CR3 (PML4 address, current PCID),
 * CR4.PCIDE, and two caches:
 *   - TLB entries (§4.10.2): (PCID, page number) -> frame, combined rights
 *     (R/W, U/S, XD ANDed/ORed over the walk, §4.10.2.2) and G;
 *   - paging-structure caches (§4.10.3.1): PML4E cache (PCID, VA 47:39),
 *     PDPTE cache (PCID, VA 47:30), PDE cache (PCID, VA 47:21) -> address
 *     of the next table and the rights combined so far.
 * Both are sets: a key may have several values at once (an old and a new
 * translation, as split TLB levels can hold), so nothing is ever evicted
 * and everything that may still be cached is.
 *
 * Worst-case speculation: before and after every event (PML4E write, MOV
 * to CR3, INVLPG, INVPCID) and on tlb_model_access(), the model caches a
 * translation for every present lower-half 4 KiB page reachable from CR3
 * under the current PCID, and a PS-cache entry for every present non-leaf
 * entry on the way.  Before an event every CPU does so, each from its own
 * CR3 (the others run meanwhile, on the same tables in memory), after it
 * the CPU that executed it; tlb_model_speculate_all() lets a test have all
 * of them do so between its steps.  The processor may cache any translation for a
 * present page at any time, accessed or not (§4.10.2.2, §4.10.3.1), never
 * one for a non-present entry (§4.10.2.3, §4.10.3.1).  Walks also start
 * from the PS-cache entries of the current PCID, which the processor uses
 * in place of the tables above them (§4.10.3.2): that is how a stale
 * PML4E reaches tables no longer in memory's tree.  The upper half (PML4
 * index >= 256) is global and never changes: it is not modelled, nor are
 * large pages (views never map them).
 *
 * Invalidation, exactly what §4.10.4.1 guarantees and no more - the rules
 * live in bench/tlbsim/tlb_rules.c, shared with the TLB simulator:
 *   MOV to CR3, PCIDE = 0: all non-global TLB entries, all PS entries
 *     (bit 63 set is a #GP: reserved);
 *   MOV to CR3, PCIDE = 1: bit 63 clear - non-global TLB entries and PS
 *     entries of the new PCID (bits 11:0); bit 63 set - nothing;
 *   INVLPG va: TLB entries for the page, of the current PCID or global;
 *     every PS entry of the current PCID;
 *   INVPCID 0 (pcid, va): non-global TLB entries for the page in pcid,
 *     every PS entry of pcid; 1: non-global TLB + PS entries of pcid;
 *     2: everything; 3: everything but global TLB entries (#GP cases
 *     per the instruction reference: type > 3, PCID > 0xfff, type 0 with
 *     a non-canonical address, types 0/1 with PCID != 0 and PCIDE = 0);
 *   a PML4E write invalidates nothing.
 *
 * The check (§4.10.4.2, what software must invalidate): on every CPU,
 * every cached entry usable now - TLB entries of the current PCID or
 * global, PS entries of the current PCID - must agree with the tables in
 * memory that CPU's CR3 names: the same frame or table, present, with no
 * more rights.
 *
 * One rule more, Slotgate's and not the SDM's: a PCID names one address
 * space.  Entries are tagged with the PCID alone, not with the PML4 they
 * were walked from (§4.10.1), so a PCID loaded with bit 63 set on another
 * PML4 than its entries came from would go on translating through the
 * first one; today's tables may agree by chance, the next change to one
 * root would not.  The model remembers, per CPU and PCID, the PML4 its
 * entries were made under (forgotten when the whole context is
 * flushed) and flags such a load as a fault.
 *
 * The hardware hooks act on the CPU selected by tlb_model_select_cpu()
 * (CPU 0 after tlb_model_reset(): the single-CPU tests never select); a
 * test gives view.c's cross-CPU calls to the CPU they name by selecting
 * it for the call's duration, as an IPI runs its handler there.
 */
#include "tlb_model.h"
#include "tlb_rules.h"
#include "arena.h"
#include "flush.h"
#include "memlayout.h"
#include "tlb.h"
#include "vm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The build's strategy and deliberate bugs (slots/flush.h), set by tests. */
enum flush_kind flush_host_kind;
unsigned flush_host_bugs;

#define TLB_CAP 4096   /* TLB entries, live and dead */
#define HASH_CAP 8192  /* power of two, >= 2 * TLB_CAP */
#define PS_CAP 1024
#define VISIT_CAP 512
#define VA_MASK 0x0000ffffffffffffull

enum { R_W = 1, R_U = 2, R_X = 4, R_G = 8, R_ALL = R_W | R_U | R_X };

struct entry {
	u64 tag;   /* VA >> (12 + 9 * (level - 1)), 48-bit VA */
	u64 addr;  /* the frame (level 1) or the next table */
	u16 pcid;
	u8 level;  /* 1 = TLB, 2 = PDE, 3 = PDPTE, 4 = PML4E cache */
	u8 rights; /* R_*; R_G only in the TLB */
	bool live;
};

struct visit {
	u64 table, prefix;
	u8 level, rights;
};

/* One logical processor: its registers and its caches. */
struct cpu_state {
	u64 home; /* the PML4 it was started on: its own (slots/view.h) */
	u64 cr3;  /* the PML4's address */
	u16 pcid;
	bool pcide;
	struct entry tlb[TLB_CAP];
	u32 ntlb, live_tlb;
	u16 hash[HASH_CAP]; /* index + 1 into tlb, 0 = empty */
	struct entry ps[PS_CAP];
	u32 nps, live_ps;
	char fault[256];
	struct tlb_model_stats st;
	u64 root[4096]; /* per PCID: the PML4 its entries were made under, 0:
			   none since its last whole flush */
};

/* Every rule below is written for "the CPU executing", m: the selected
 * one, or each in turn where all CPUs act (speculation, the check). */
static struct cpu_state cpus[TLB_MODEL_MAX_CPUS];
static struct cpu_state *m = cpus;
static unsigned ncpus = 1;
/* Scratch, shared: one walk or one message at a time. */
static struct visit visits[VISIT_CAP];
static u32 nvisits;
static char msg[512];

static void fault(const char *fmt, ...)
{
	if (m->fault[0])
		return; /* the first one is the interesting one */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->fault, sizeof(m->fault), fmt, ap);
	va_end(ap);
}

static u8 entry_rights(u64 e)
{
	return (u8)((e & PTE_RW ? R_W : 0) | (e & PTE_US ? R_U : 0) |
		    (e & PTE_NX ? 0 : R_X));
}

static unsigned shift_of(int level) { return 12 + 9 * (unsigned)(level - 1); }

static u64 va_of(int level, u64 tag)
{
	u64 va = tag << shift_of(level);
	return va & (1ull << 47) ? va | ~VA_MASK : va;
}

static u32 hash_of(u16 pcid, u64 tag)
{
	return (u32)((((u64)pcid << 36) ^ tag) * 0x9e3779b97f4a7c15ull >> 51) &
	       (HASH_CAP - 1);
}

static bool same(const struct entry *a, const struct entry *b)
{
	return a->live && a->tag == b->tag && a->addr == b->addr &&
	       a->pcid == b->pcid && a->level == b->level &&
	       a->rights == b->rights;
}

static void rehash(void)
{
	u32 n = 0;
	memset(m->hash, 0, sizeof(m->hash));
	for (u32 i = 0; i < m->ntlb; i++) {
		if (!m->tlb[i].live)
			continue;
		m->tlb[n] = m->tlb[i];
		u32 h = hash_of(m->tlb[n].pcid, m->tlb[n].tag);
		while (m->hash[h])
			h = (h + 1) & (HASH_CAP - 1);
		m->hash[h] = (u16)(++n);
	}
	m->ntlb = n;
}

static void compact_ps(void)
{
	u32 n = 0;
	for (u32 i = 0; i < m->nps; i++)
		if (m->ps[i].live)
			m->ps[n++] = m->ps[i];
	m->nps = n;
}

static void fill_tlb(u64 tag, u64 frame, u8 rights)
{
	struct entry e = {tag, frame, m->pcid, 1, rights, true};
	u32 h;

	if (m->ntlb == TLB_CAP)
		rehash();
	if (m->ntlb == TLB_CAP) {
		fault("model: more than %d TLB entries", TLB_CAP);
		return;
	}
	for (h = hash_of(m->pcid, tag); m->hash[h]; h = (h + 1) & (HASH_CAP - 1))
		if (same(&m->tlb[m->hash[h] - 1], &e))
			return;
	m->tlb[m->ntlb++] = e;
	m->hash[h] = (u16)m->ntlb;
	m->live_tlb++;
	m->st.tlb_fills++;
	m->st.max_tlb = MAX(m->st.max_tlb, m->live_tlb);
}

static void fill_ps(int level, u64 tag, u64 table, u8 rights)
{
	struct entry e = {tag, table, m->pcid, (u8)level, rights, true};
	for (u32 i = 0; i < m->nps; i++)
		if (same(&m->ps[i], &e))
			return;
	if (m->nps == PS_CAP) {
		compact_ps();
		if (m->nps == PS_CAP) {
			fault("model: more than %d PS-cache entries", PS_CAP);
			return;
		}
	}
	m->ps[m->nps++] = e;
	m->live_ps++;
	m->st.ps_fills++;
	m->st.max_ps = MAX(m->st.max_ps, m->live_ps);
}

static void visit(int level, u64 table, u64 prefix, u8 rights)
{
	for (u32 i = 0; i < nvisits; i++) {
		struct visit *v = &visits[i];
		if (v->level == level && v->table == table &&
		    v->prefix == prefix && v->rights == rights)
			return;
	}
	if (nvisits == VISIT_CAP) {
		fault("model: more than %d tables in one walk", VISIT_CAP);
		return;
	}
	visits[nvisits++] = (struct visit){table, prefix, (u8)level, rights};
}

/* Cache what one table (reached as @v) lets the processor cache. */
static void walk_table(struct visit v)
{
	const u64 *t = arena_virt(v.table); /* a stale table may be anywhere */
	unsigned n = v.level == 4 ? KERNEL_FIRST_PML4 : 512;

	if (!t)
		return;
	for (unsigned j = 0; j < n; j++) {
		u64 e = t[j];
		if (!(e & PTE_P))
			continue; /* never cached (§4.10.2.3, §4.10.3.1) */
		u64 tag = v.prefix << 9 | j;
		u8 r = v.rights & entry_rights(e);
		if (v.level == 1) {
			fill_tlb(tag, e & PTE_ADDR, (u8)(r | (e & PTE_G ? R_G : 0)));
		} else if (!(e & PTE_PS)) {
			fill_ps(v.level, tag, e & PTE_ADDR, r);
			visit(v.level - 1, e & PTE_ADDR, tag, r);
		}
	}
}

/* Cache everything reachable now under the current PCID (§4.10.2.2). */
static void speculate(void)
{
	nvisits = 0;
	visit(4, m->cr3, 0, R_ALL);
	for (u32 i = 0; i < m->nps; i++) {
		const struct entry *e = &m->ps[i];
		if (e->live && e->pcid == m->pcid)
			visit(e->level - 1, e->addr, e->tag, e->rights);
	}
	for (u32 i = 0; i < nvisits; i++)
		walk_table(visits[i]);
}

/* Does @f empty the whole context @pcid (its non-global TLB entries and
 * its PS entries)? */
static bool flushes_context(const struct tlb_flush *f, u16 pcid)
{
	bool tlb = !f->one_page &&
		   (f->page_pcid == TLB_RULE_ANY_PCID || f->page_pcid == pcid);
	bool ps = f->ps_pcid == TLB_RULE_ANY_PCID || f->ps_pcid == pcid;
	return tlb && ps;
}

/* Remove from both caches what @f names (the rules: tlb_rules.h). */
static void apply(const struct tlb_flush *f)
{
	for (unsigned p = 0; p < 4096; p++)
		if (m->root[p] && flushes_context(f, (u16)p))
			m->root[p] = 0;
	for (u32 i = 0; i < m->ntlb; i++) {
		struct entry *e = &m->tlb[i];
		if (e->live && tlb_flush_drops_page(f, e->pcid, e->rights & R_G,
						    va_of(1, e->tag), 12)) {
			e->live = false;
			m->live_tlb--;
			m->st.tlb_drops++;
		}
	}
	if (m->ntlb - m->live_tlb > m->live_tlb + 256)
		rehash();
	for (u32 i = 0; i < m->nps; i++) {
		struct entry *e = &m->ps[i];
		if (e->live && tlb_flush_drops_ps(f, e->pcid)) {
			e->live = false;
			m->live_ps--;
			m->st.ps_drops++;
		}
	}
	if (m->nps - m->live_ps > m->live_ps + 64)
		compact_ps();
}

/* Every CPU caches what it may now: the others run while one acts, so
 * before any event they may all have cached what memory holds then. */
static void speculate_all(void)
{
	struct cpu_state *self = m;
	for (unsigned i = 0; i < ncpus; i++) {
		m = &cpus[i];
		speculate();
	}
	m = self;
}

void tlb_model_speculate_all(void) { speculate_all(); }

static void cpu_reset(struct cpu_state *k, u64 cr3, bool pcide)
{
	memset(k, 0, sizeof(*k));
	k->pcide = pcide;
	k->home = k->cr3 = cr3 & PTE_ADDR;
	k->pcid = pcide ? (u16)(cr3 & 0xfff) : 0;
	k->root[k->pcid] = k->cr3;
}

void tlb_model_reset(u64 cr3, bool pcide)
{
	ncpus = 1;
	m = cpus;
	cpu_reset(m, cr3, pcide);
}

unsigned tlb_model_add_cpu(u64 cr3, bool pcide)
{
	if (ncpus == TLB_MODEL_MAX_CPUS)
		abort(); /* the test asks for more than the model holds */
	cpu_reset(&cpus[ncpus], cr3, pcide);
	return ncpus++;
}

unsigned tlb_model_select_cpu(unsigned i)
{
	unsigned before = (unsigned)(m - cpus);
	if (i >= ncpus)
		abort();
	m = &cpus[i];
	return before;
}

u64 tlb_model_cr3(void) { return m->cr3 | m->pcid; }

static bool in_table(const u64 *entry, u64 table)
{
	const u64 *t = arena_virt(table);
	return t && entry >= t && entry < t + 512;
}

/* The slot code writes CPUs' own PML4s only (view.h): the one loaded,
 * or - showing a view everywhere, or while a CPU runs on a view's own
 * PML4 - one that is not loaded now. */
static bool in_a_cpu_pml4(const u64 *entry)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (in_table(entry, cpus[i].home) || in_table(entry, cpus[i].cr3))
			return true;
	return false;
}

void tlb_model_write_pml4e(u64 *entry, u64 value)
{
	speculate_all();
	m->st.pml4e_writes++;
	if (!in_a_cpu_pml4(entry))
		fault("PML4E write at %p, outside every CPU's PML4 (this one's: %#llx)",
		      (void *)entry, (unsigned long long)m->home);
	*(volatile u64 *)entry = value;
	speculate();
}

void tlb_model_write_cr3(u64 value)
{
	speculate_all();
	m->st.cr3_writes++;
	u16 pcid = m->pcid;
	struct tlb_flush f = tlb_rule_cr3(value, m->pcide, &pcid);
	if (f.fault) {
		fault("#GP: %s (%#llx)", f.fault, (unsigned long long)value);
	} else {
		u64 root = value & PTE_ADDR;
		if (m->pcide && (value & CR3_NOFLUSH)) {
			m->st.cr3_noflush++;
			if (m->root[pcid] && m->root[pcid] != root)
				fault("PCID %u loaded with bit 63 set on PML4 %#llx, but "
				      "its entries were made on PML4 %#llx (usable there "
				      "too, SDM 3A §4.10.1)", pcid,
				      (unsigned long long)root,
				      (unsigned long long)m->root[pcid]);
		}
		apply(&f);
		m->pcid = pcid;
		m->cr3 = root;
		m->root[pcid] = root;
	}
	speculate();
}

void tlb_model_invlpg(u64 va)
{
	speculate_all();
	m->st.invlpgs++;
	struct tlb_flush f = tlb_rule_invlpg(va, m->pcid);
	apply(&f);
	speculate();
}

void tlb_model_invpcid(u64 type, u64 pcid, u64 va)
{
	speculate_all();
	m->st.invpcids++;
	struct tlb_flush f = tlb_rule_invpcid(type, pcid, va, m->pcide);
	if (f.fault)
		fault("#GP: INVPCID type %llu, PCID %#llx, address %#llx%s",
		      (unsigned long long)type, (unsigned long long)pcid,
		      (unsigned long long)va, m->pcide ? "" : " (CR4.PCIDE = 0)");
	else
		apply(&f);
	speculate();
}

/* What the tables in memory hold at @level for @tag (no caches): the
 * address there and the rights combined down to it; false if absent. */
static bool mem_lookup(int level, u64 tag, u64 *addr, u8 *rights)
{
	u64 table = m->cr3;
	u8 r = R_ALL;

	for (int l = 4; l >= level; l--) {
		const u64 *t = arena_virt(table);
		if (!t)
			return false;
		u64 e = t[(tag >> (9 * (l - level))) & 511];
		if (!(e & PTE_P) || (l > 1 && (e & PTE_PS)))
			return false;
		r &= entry_rights(e);
		table = e & PTE_ADDR;
		if (l == 1 && (e & PTE_G))
			r |= R_G;
	}
	*addr = table;
	*rights = r;
	return true;
}

static const char *rights_str(u8 r, char *buf)
{
	snprintf(buf, 8, "%c%c%c%c", r & R_W ? 'w' : '-', r & R_U ? 'u' : '-',
		 r & R_X ? 'x' : '-', r & R_G ? 'g' : '-');
	return buf;
}

/* NULL if @e agrees with memory, else the violation (in msg). */
static const char *check_entry(const struct entry *e)
{
	static const char *const names[] = {"", "TLB", "PDE-cache", "PDPTE-cache",
					    "PML4E-cache"};
	const char *what = e->level == 1 ? "frame" : "table";
	char b1[8], b2[8];
	u64 addr;
	u8 r;

	if (!mem_lookup(e->level, e->tag, &addr, &r)) {
		snprintf(msg, sizeof(msg),
			 "PCID %u: %s entry va %#llx (slot %u) -> %s %#llx [%s] "
			 "usable, but the tables in memory map nothing there",
			 m->pcid, names[e->level],
			 (unsigned long long)va_of(e->level, e->tag),
			 pml4_index(va_of(e->level, e->tag)), what,
			 (unsigned long long)e->addr, rights_str(e->rights, b1));
		return msg;
	}
	if (addr != e->addr || (e->rights & ~r)) {
		snprintf(msg, sizeof(msg),
			 "PCID %u: %s entry va %#llx (slot %u) -> %s %#llx [%s] "
			 "usable, but the tables in memory say %s %#llx [%s]",
			 m->pcid, names[e->level],
			 (unsigned long long)va_of(e->level, e->tag),
			 pml4_index(va_of(e->level, e->tag)), what,
			 (unsigned long long)e->addr, rights_str(e->rights, b1),
			 what, (unsigned long long)addr, rights_str(r, b2));
		return msg;
	}
	return NULL;
}

/* The first violation on the CPU executing, or NULL. */
static const char *check_cpu(void)
{
	const char *v;

	if (m->fault[0])
		return m->fault;
	for (u32 i = 0; i < m->ntlb; i++) {
		const struct entry *e = &m->tlb[i];
		if (e->live && (e->pcid == m->pcid || (e->rights & R_G)) &&
		    (v = check_entry(e)))
			return v;
	}
	for (u32 i = 0; i < m->nps; i++) {
		const struct entry *e = &m->ps[i];
		if (e->live && e->pcid == m->pcid && (v = check_entry(e)))
			return v;
	}
	return NULL;
}

/* Each CPU in its own context: what is usable there must be backed by
 * the tables its CR3 names; entries of other PCIDs wait for their turn. */
const char *tlb_model_check(void)
{
	static char out[sizeof(msg) + 16];
	struct cpu_state *self = m;
	const char *v = NULL;
	unsigned i;

	for (i = 0; i < ncpus && !v; i++) {
		m = &cpus[i];
		v = check_cpu();
	}
	m = self;
	if (!v || ncpus == 1)
		return v;
	snprintf(out, sizeof(out), "CPU %u: %s", i - 1, v);
	return out;
}

bool tlb_model_access(u64 va, u64 *pa)
{
	u64 tag = (va & VA_MASK) >> 12, addr;
	u8 r;

	m->st.accesses++;
	speculate();
	for (u32 i = 0; i < m->ntlb; i++) {
		const struct entry *e = &m->tlb[i];
		if (e->live && e->tag == tag &&
		    (e->pcid == m->pcid || (e->rights & R_G))) {
			if (pa)
				*pa = e->addr | (va & (PAGE_SIZE - 1));
			return true;
		}
	}
	if (pml4_index(va) >= KERNEL_FIRST_PML4 || !mem_lookup(1, tag, &addr, &r))
		return false;
	if (pa)
		*pa = addr | (va & (PAGE_SIZE - 1));
	return true;
}

bool tlb_model_tlb_cached(u16 pcid, u64 va, u64 frame)
{
	u64 tag = (va & VA_MASK) >> 12;
	for (u32 i = 0; i < m->ntlb; i++) {
		const struct entry *e = &m->tlb[i];
		if (e->live && e->tag == tag && e->addr == frame &&
		    (e->pcid == pcid || (e->rights & R_G)))
			return true;
	}
	return false;
}

bool tlb_model_ps_cached(int level, u16 pcid, u64 va, u64 table)
{
	u64 tag = (va & VA_MASK) >> shift_of(level);
	for (u32 i = 0; i < m->nps; i++) {
		const struct entry *e = &m->ps[i];
		if (e->live && e->level == level && e->tag == tag &&
		    e->pcid == pcid && e->addr == table)
			return true;
	}
	return false;
}


const struct tlb_model_stats *tlb_model_stats(void) { return &m->st; }
