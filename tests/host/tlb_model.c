/*
 * tlb_model.c - the TLBs and paging-structure caches of one logical
 * processor, as much as Intel SDM vol. 3A §4.10 lets them hold.
 *
 * State: CR3 (PML4 address, current PCID), CR4.PCIDE, and two caches:
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
 * entry on the way.  The processor may cache any translation for a
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
 * The check (§4.10.4.2, what software must invalidate): every cached
 * entry usable now - TLB entries of the current PCID or global, PS
 * entries of the current PCID - must agree with the tables in memory: the
 * same frame or table, present, with no more rights.
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

static struct {
	u64 cr3; /* the PML4's address */
	u16 pcid;
	bool pcide;
	struct entry tlb[TLB_CAP];
	u32 ntlb, live_tlb;
	u16 hash[HASH_CAP]; /* index + 1 into tlb, 0 = empty */
	struct entry ps[PS_CAP];
	u32 nps, live_ps;
	struct visit visits[VISIT_CAP];
	u32 nvisits;
	char fault[256];
	char msg[512];
	struct tlb_model_stats st;
} m;

static void fault(const char *fmt, ...)
{
	if (m.fault[0])
		return; /* the first one is the interesting one */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.fault, sizeof(m.fault), fmt, ap);
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
	memset(m.hash, 0, sizeof(m.hash));
	for (u32 i = 0; i < m.ntlb; i++) {
		if (!m.tlb[i].live)
			continue;
		m.tlb[n] = m.tlb[i];
		u32 h = hash_of(m.tlb[n].pcid, m.tlb[n].tag);
		while (m.hash[h])
			h = (h + 1) & (HASH_CAP - 1);
		m.hash[h] = (u16)(++n);
	}
	m.ntlb = n;
}

static void compact_ps(void)
{
	u32 n = 0;
	for (u32 i = 0; i < m.nps; i++)
		if (m.ps[i].live)
			m.ps[n++] = m.ps[i];
	m.nps = n;
}

static void fill_tlb(u64 tag, u64 frame, u8 rights)
{
	struct entry e = {tag, frame, m.pcid, 1, rights, true};
	u32 h;

	if (m.ntlb == TLB_CAP)
		rehash();
	if (m.ntlb == TLB_CAP) {
		fault("model: more than %d TLB entries", TLB_CAP);
		return;
	}
	for (h = hash_of(m.pcid, tag); m.hash[h]; h = (h + 1) & (HASH_CAP - 1))
		if (same(&m.tlb[m.hash[h] - 1], &e))
			return;
	m.tlb[m.ntlb++] = e;
	m.hash[h] = (u16)m.ntlb;
	m.live_tlb++;
	m.st.tlb_fills++;
	m.st.max_tlb = MAX(m.st.max_tlb, m.live_tlb);
}

static void fill_ps(int level, u64 tag, u64 table, u8 rights)
{
	struct entry e = {tag, table, m.pcid, (u8)level, rights, true};
	for (u32 i = 0; i < m.nps; i++)
		if (same(&m.ps[i], &e))
			return;
	if (m.nps == PS_CAP) {
		compact_ps();
		if (m.nps == PS_CAP) {
			fault("model: more than %d PS-cache entries", PS_CAP);
			return;
		}
	}
	m.ps[m.nps++] = e;
	m.live_ps++;
	m.st.ps_fills++;
	m.st.max_ps = MAX(m.st.max_ps, m.live_ps);
}

static void visit(int level, u64 table, u64 prefix, u8 rights)
{
	for (u32 i = 0; i < m.nvisits; i++) {
		struct visit *v = &m.visits[i];
		if (v->level == level && v->table == table &&
		    v->prefix == prefix && v->rights == rights)
			return;
	}
	if (m.nvisits == VISIT_CAP) {
		fault("model: more than %d tables in one walk", VISIT_CAP);
		return;
	}
	m.visits[m.nvisits++] = (struct visit){table, prefix, (u8)level, rights};
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
	m.nvisits = 0;
	visit(4, m.cr3, 0, R_ALL);
	for (u32 i = 0; i < m.nps; i++) {
		const struct entry *e = &m.ps[i];
		if (e->live && e->pcid == m.pcid)
			visit(e->level - 1, e->addr, e->tag, e->rights);
	}
	for (u32 i = 0; i < m.nvisits; i++)
		walk_table(m.visits[i]);
}

/* Remove from both caches what @f names (the rules: tlb_rules.h). */
static void apply(const struct tlb_flush *f)
{
	for (u32 i = 0; i < m.ntlb; i++) {
		struct entry *e = &m.tlb[i];
		if (e->live && tlb_flush_drops_page(f, e->pcid, e->rights & R_G,
						    va_of(1, e->tag), 12)) {
			e->live = false;
			m.live_tlb--;
			m.st.tlb_drops++;
		}
	}
	if (m.ntlb - m.live_tlb > m.live_tlb + 256)
		rehash();
	for (u32 i = 0; i < m.nps; i++) {
		struct entry *e = &m.ps[i];
		if (e->live && tlb_flush_drops_ps(f, e->pcid)) {
			e->live = false;
			m.live_ps--;
			m.st.ps_drops++;
		}
	}
	if (m.nps - m.live_ps > m.live_ps + 64)
		compact_ps();
}

void tlb_model_reset(u64 cr3, bool pcide)
{
	memset(&m, 0, sizeof(m));
	m.pcide = pcide;
	m.cr3 = cr3 & PTE_ADDR;
	m.pcid = pcide ? (u16)(cr3 & 0xfff) : 0;
}

void tlb_model_write_pml4e(u64 *entry, u64 value)
{
	u64 *pml4 = arena_virt(m.cr3);
	speculate();
	m.st.pml4e_writes++;
	if (!pml4 || entry < pml4 || entry >= pml4 + 512)
		fault("PML4E write at %p, outside the current PML4 (%#llx)",
		      (void *)entry, (unsigned long long)m.cr3);
	*(volatile u64 *)entry = value;
	speculate();
}

void tlb_model_write_cr3(u64 value)
{
	speculate();
	m.st.cr3_writes++;
	u16 pcid = m.pcid;
	struct tlb_flush f = tlb_rule_cr3(value, m.pcide, &pcid);
	if (f.fault) {
		fault("#GP: %s (%#llx)", f.fault, (unsigned long long)value);
	} else {
		if (m.pcide && (value & CR3_NOFLUSH))
			m.st.cr3_noflush++;
		apply(&f);
		m.pcid = pcid;
		m.cr3 = value & PTE_ADDR;
	}
	speculate();
}

void tlb_model_invlpg(u64 va)
{
	speculate();
	m.st.invlpgs++;
	struct tlb_flush f = tlb_rule_invlpg(va, m.pcid);
	apply(&f);
	speculate();
}

void tlb_model_invpcid(u64 type, u64 pcid, u64 va)
{
	speculate();
	m.st.invpcids++;
	struct tlb_flush f = tlb_rule_invpcid(type, pcid, va, m.pcide);
	if (f.fault)
		fault("#GP: INVPCID type %llu, PCID %#llx, address %#llx%s",
		      (unsigned long long)type, (unsigned long long)pcid,
		      (unsigned long long)va, m.pcide ? "" : " (CR4.PCIDE = 0)");
	else
		apply(&f);
	speculate();
}

/* What the tables in memory hold at @level for @tag (no caches): the
 * address there and the rights combined down to it; false if absent. */
static bool mem_lookup(int level, u64 tag, u64 *addr, u8 *rights)
{
	u64 table = m.cr3;
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

/* NULL if @e agrees with memory, else the violation (in m.msg). */
static const char *check_entry(const struct entry *e)
{
	static const char *const names[] = {"", "TLB", "PDE-cache", "PDPTE-cache",
					    "PML4E-cache"};
	const char *what = e->level == 1 ? "frame" : "table";
	char b1[8], b2[8];
	u64 addr;
	u8 r;

	if (!mem_lookup(e->level, e->tag, &addr, &r)) {
		snprintf(m.msg, sizeof(m.msg),
			 "PCID %u: %s entry va %#llx (slot %u) -> %s %#llx [%s] "
			 "usable, but the tables in memory map nothing there",
			 m.pcid, names[e->level],
			 (unsigned long long)va_of(e->level, e->tag),
			 pml4_index(va_of(e->level, e->tag)), what,
			 (unsigned long long)e->addr, rights_str(e->rights, b1));
		return m.msg;
	}
	if (addr != e->addr || (e->rights & ~r)) {
		snprintf(m.msg, sizeof(m.msg),
			 "PCID %u: %s entry va %#llx (slot %u) -> %s %#llx [%s] "
			 "usable, but the tables in memory say %s %#llx [%s]",
			 m.pcid, names[e->level],
			 (unsigned long long)va_of(e->level, e->tag),
			 pml4_index(va_of(e->level, e->tag)), what,
			 (unsigned long long)e->addr, rights_str(e->rights, b1),
			 what, (unsigned long long)addr, rights_str(r, b2));
		return m.msg;
	}
	return NULL;
}

const char *tlb_model_check(void)
{
	const char *v;

	if (m.fault[0])
		return m.fault;
	for (u32 i = 0; i < m.ntlb; i++) {
		const struct entry *e = &m.tlb[i];
		if (e->live && (e->pcid == m.pcid || (e->rights & R_G)) &&
		    (v = check_entry(e)))
			return v;
	}
	for (u32 i = 0; i < m.nps; i++) {
		const struct entry *e = &m.ps[i];
		if (e->live && e->pcid == m.pcid && (v = check_entry(e)))
			return v;
	}
	return NULL;
}

bool tlb_model_access(u64 va, u64 *pa)
{
	u64 tag = (va & VA_MASK) >> 12, addr;
	u8 r;

	m.st.accesses++;
	speculate();
	for (u32 i = 0; i < m.ntlb; i++) {
		const struct entry *e = &m.tlb[i];
		if (e->live && e->tag == tag &&
		    (e->pcid == m.pcid || (e->rights & R_G))) {
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
	for (u32 i = 0; i < m.ntlb; i++) {
		const struct entry *e = &m.tlb[i];
		if (e->live && e->tag == tag && e->addr == frame &&
		    (e->pcid == pcid || (e->rights & R_G)))
			return true;
	}
	return false;
}

bool tlb_model_ps_cached(int level, u16 pcid, u64 va, u64 table)
{
	u64 tag = (va & VA_MASK) >> shift_of(level);
	for (u32 i = 0; i < m.nps; i++) {
		const struct entry *e = &m.ps[i];
		if (e->live && e->level == level && e->tag == tag &&
		    e->pcid == pcid && e->addr == table)
			return true;
	}
	return false;
}


const struct tlb_model_stats *tlb_model_stats(void) { return &m.st; }
