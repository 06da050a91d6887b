/*
 * test_tlb_rules.c - the TLB model's own rules (tlb_model.c), each against
 * the Intel SDM vol. 3A section it implements, on hand-made page tables in
 * the arena: what MOV to CR3 (with and without bit 63), INVLPG and INVPCID
 * drop and keep (§4.10.4.1), that paging-structure-cache entries are used
 * in place of memory (§4.10.3.2) and are per PCID, never global
 * (§4.10.2.4), and that the check compares frames and rights (§4.10.4.2).
 */
#include "arena.h"
#include "htest.h"
#include "memlayout.h"
#include "tlb.h"
#include "tlb_model.h"
#include "vm.h"

#include <string.h>

#define F1 0x40000000ull
#define F2 0x40001000ull
#define F3 0x40002000ull

static u64 *rules_pml4(u64 *phys)
{
	arena_reset(64);
	*phys = vm_table_alloc();
	return vm_table_virt(*phys);
}

static bool stale(void) { return tlb_model_check() != NULL; }

/* §4.10.4.1: with CR4.PCIDE = 1, MOV to CR3 with bit 63 set keeps the new
 * PCID's entries, with bit 63 clear drops them; other PCIDs keep theirs. */
HTEST(tlb_model_rules_cr3_noflush)
{
	u64 p, pa = 0, va = slot_base(1) + 0x5000;
	u64 *pml4 = rules_pml4(&p);

	CHECK_EQ(vm_map(pml4, va, F1, VM_USER | VM_WRITE), 0);
	tlb_model_reset(p | 1, true);
	CHECK(tlb_model_access(va, &pa) && pa == F1);
	CHECK(tlb_model_tlb_cached(1, va, F1));
	CHECK(!stale());
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0); /* nothing invalidated */
	CHECK(stale());
	tlb_model_write_cr3(p | 2 | CR3_NOFLUSH); /* PCID 1's entries unusable */
	CHECK(!stale());
	CHECK(tlb_model_tlb_cached(1, va, F1) && !tlb_model_tlb_cached(2, va, F1));
	tlb_model_write_cr3(p | 1 | CR3_NOFLUSH); /* back, nothing dropped */
	CHECK(stale());
	CHECK(tlb_model_access(va, &pa) && pa == F1); /* the stale one is used */
	tlb_model_write_cr3(p | 1); /* bit 63 clear: PCID 1 emptied */
	CHECK(!stale());
	CHECK(!tlb_model_tlb_cached(1, va, F1) && !tlb_model_access(va, NULL));

	/* Flushing PCID 2 leaves PCID 1's entries alone. */
	CHECK_EQ(vm_map(pml4, va, F2, VM_USER), 0);
	CHECK(tlb_model_access(va, &pa) && pa == F2);
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	tlb_model_write_cr3(p | 2);
	CHECK(!stale() && tlb_model_tlb_cached(1, va, F2));
	tlb_model_write_cr3(p | 1 | CR3_NOFLUSH);
	CHECK(stale());

	/* CR4.PCIDE = 0: every reload flushes, and bit 63 is a #GP. */
	tlb_model_reset(p, false);
	tlb_model_write_cr3(p);
	CHECK(!stale());
	tlb_model_write_cr3(p | CR3_NOFLUSH);
	CHECK(stale() && strstr(tlb_model_check(), "#GP"));
	tlb_model_reset(p, false);
	tlb_model_invpcid(INVPCID_CONTEXT, 1, 0); /* PCID != 0 with PCIDE = 0 */
	CHECK(stale() && strstr(tlb_model_check(), "#GP"));
}

/* §4.10.3.2: a cached PML4E is used in place of the PML4 in memory, so
 * a replaced entry still leads to its old tables; §4.10.4.1: INVLPG of
 * any address empties the current PCID's PS caches but drops only its own
 * page from the TLB; INVPCID type 0 empties the PS caches of its PCID. */
HTEST(tlb_model_rules_invlpg_ps_cache)
{
	u64 p, pa = 0, va = slot_base(1) + 0x1000, va3 = slot_base(1) + 0x3000;
	u64 *pml4 = rules_pml4(&p);
	u64 *old_root = vm_table_virt(vm_table_alloc());
	u64 *new_root = vm_table_virt(vm_table_alloc());

	CHECK_EQ(vm_map(old_root, va, F1, VM_USER), 0);
	CHECK_EQ(vm_map(new_root, va, F2, VM_USER), 0);
	u64 pdpt_a = old_root[1] & PTE_ADDR, pdpt_b = new_root[1] & PTE_ADDR;
	pml4[1] = old_root[1];
	tlb_model_reset(p, false);
	CHECK(tlb_model_access(va, &pa) && pa == F1);
	CHECK(tlb_model_ps_cached(4, 0, va, pdpt_a));
	tlb_model_write_pml4e(&pml4[1], new_root[1]); /* invalidates nothing */
	CHECK(stale());
	CHECK(tlb_model_ps_cached(4, 0, va, pdpt_a) && tlb_model_ps_cached(4, 0, va, pdpt_b));
	/* A page mapped now under the old PDPT, which memory no longer
	 * reaches, is reached through the cached PML4E. */
	CHECK_EQ(vm_map(old_root, va3, F3, VM_USER), 0);
	CHECK(tlb_model_access(va3, &pa) && pa == F3);
	CHECK(tlb_model_tlb_cached(0, va3, F3));
	tlb_model_invlpg(slot_base(7)); /* unrelated page: all PS entries go */
	CHECK(!tlb_model_ps_cached(4, 0, va, pdpt_a) && tlb_model_ps_cached(4, 0, va, pdpt_b));
	CHECK(tlb_model_tlb_cached(0, va, F1) && tlb_model_tlb_cached(0, va3, F3));
	CHECK(stale());
	tlb_model_invlpg(va);
	CHECK(stale() && !tlb_model_tlb_cached(0, va, F1));
	tlb_model_invlpg(va3);
	CHECK(!stale());
	CHECK(tlb_model_access(va, &pa) && pa == F2 && !tlb_model_access(va3, NULL));

	/* INVPCID type 0 of another PCID: its PS entries, its page only. */
	tlb_model_reset(p | 1, true);
	CHECK(tlb_model_access(va, NULL));
	tlb_model_write_cr3(p | 2 | CR3_NOFLUSH);
	CHECK(tlb_model_access(va, NULL));
	tlb_model_invpcid(INVPCID_ADDRESS, 1, slot_base(7));
	CHECK(!tlb_model_ps_cached(4, 1, va, pdpt_b) && tlb_model_ps_cached(4, 2, va, pdpt_b));
	CHECK(tlb_model_tlb_cached(1, va, F2));
	tlb_model_invpcid(INVPCID_ADDRESS, 1, va);
	CHECK(!tlb_model_tlb_cached(1, va, F2) && tlb_model_tlb_cached(2, va, F2));
	/* INVLPG from PCID 2 leaves PCID 1's PS entries (made again here). */
	tlb_model_write_cr3(p | 1 | CR3_NOFLUSH);
	tlb_model_write_cr3(p | 2 | CR3_NOFLUSH);
	tlb_model_write_pml4e(&pml4[1], 0); /* visible to neither walk now */
	tlb_model_invlpg(slot_base(7));
	CHECK(tlb_model_ps_cached(4, 1, va, pdpt_b) && !tlb_model_ps_cached(4, 2, va, pdpt_b));
	CHECK(stale()); /* PCID 2 still has va's TLB entry */
	tlb_model_invlpg(va);
	CHECK(!stale());
	tlb_model_write_cr3(p | 1 | CR3_NOFLUSH);
	CHECK(stale()); /* PCID 1 still has its PML4E and TLB entries */
}

/* §4.10.2.4, §4.10.4.1: a global translation survives CR3 writes and
 * INVPCID types 0, 1 and 3, is usable under every PCID, and goes with
 * INVLPG of its page (from any PCID) or INVPCID type 2. */
HTEST(tlb_model_rules_global_survives)
{
	u64 p, va = slot_base(1) + 0x1000, va2 = slot_base(1) + 0x2000;
	u64 *pml4 = rules_pml4(&p);

	CHECK_EQ(vm_map(pml4, va, F1, VM_USER | VM_GLOBAL), 0);
	CHECK_EQ(vm_map(pml4, va2, F2, VM_USER), 0);
	tlb_model_reset(p | 1, true);
	CHECK(tlb_model_access(va, NULL) && tlb_model_access(va2, NULL));
	CHECK(tlb_model_tlb_cached(5, va, F1) && !tlb_model_tlb_cached(5, va2, F2));
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	CHECK_EQ(vm_unmap(pml4, va2, NULL), 0);
	tlb_model_write_cr3(p | 1); /* non-global and PS entries of PCID 1 go */
	CHECK(tlb_model_tlb_cached(1, va, F1) && !tlb_model_tlb_cached(1, va2, F2));
	CHECK(stale() && strstr(tlb_model_check(), "[-uxg]"));
	tlb_model_write_cr3(p | 2 | CR3_NOFLUSH);
	CHECK(stale()); /* usable under PCID 2 too */
	tlb_model_invpcid(INVPCID_ADDRESS, 1, va);
	tlb_model_invpcid(INVPCID_CONTEXT, 2, 0);
	tlb_model_invpcid(INVPCID_ALL, 0, 0);
	CHECK(stale() && tlb_model_tlb_cached(2, va, F1));
	tlb_model_invlpg(va); /* from PCID 2, the entry was made under 1 */
	CHECK(!stale() && !tlb_model_tlb_cached(1, va, F1));

	CHECK_EQ(vm_map(pml4, va, F3, VM_USER | VM_GLOBAL), 0);
	CHECK(tlb_model_access(va, NULL));
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	tlb_model_invpcid(INVPCID_ALL, 0, 0);
	CHECK(stale());
	tlb_model_invpcid(INVPCID_ALL_GLOBAL, 0, 0);
	CHECK(!stale());

	/* CR4.PCIDE = 0: a reload keeps it too. */
	CHECK_EQ(vm_map(pml4, va, F1, VM_USER | VM_GLOBAL), 0);
	tlb_model_reset(p, false);
	CHECK(tlb_model_access(va, NULL));
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	tlb_model_write_cr3(p);
	CHECK(stale() && tlb_model_tlb_cached(0, va, F1));
}

/* §4.10.2.2, §4.10.4.2: a cached translation with more rights than the
 * tables now give (writable, user, executable) is a violation; fewer
 * rights are not (the processor re-walks on the fault, §4.10.4.3). */
HTEST(tlb_model_rules_rights)
{
	u64 p, pa = 0, va = slot_base(3) + 0x7000;
	u64 *pml4 = rules_pml4(&p);

	/* A second page keeps the page table and directory in place. */
	CHECK_EQ(vm_map(pml4, va + PAGE_SIZE, F2, VM_USER), 0);
	CHECK_EQ(vm_map(pml4, va, F1, VM_USER | VM_WRITE), 0);
	tlb_model_reset(p, false);
	CHECK(tlb_model_access(va, &pa) && pa == F1 && !stale());
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	CHECK_EQ(vm_map(pml4, va, F1, VM_USER), 0); /* same frame, read-only */
	CHECK(stale() && strstr(tlb_model_check(), "[wux-]") &&
	      strstr(tlb_model_check(), "[-ux-]"));
	tlb_model_invlpg(va);
	CHECK(!stale() && tlb_model_tlb_cached(0, va, F1));
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	CHECK_EQ(vm_map(pml4, va, F1, VM_USER | VM_WRITE), 0);
	CHECK(!stale()); /* more rights in memory than cached: harmless */
	CHECK_EQ(vm_unmap(pml4, va, NULL), 0);
	CHECK_EQ(vm_map(pml4, va, F1, VM_WRITE | VM_NX), 0); /* supervisor, NX */
	CHECK(stale());
	tlb_model_invlpg(va);
	CHECK(!stale());
	/* Rights combine over the walk: a PDE without R/W makes the page
	 * read-only, and the cached writable translation stale. */
	u64 *pdpt = vm_table_virt(pml4[3] & PTE_ADDR);
	u64 *pd = vm_table_virt(pdpt[0] & PTE_ADDR);
	pd[0] &= ~PTE_RW;
	CHECK(stale() && strstr(tlb_model_check(), "[w---]"));
	tlb_model_write_cr3(p);
	CHECK(!stale());
}

/* §4.10.1: entries carry the PCID, not the PML4 they were walked from, so
 * one PCID on two roots lets the second use the first's translations.
 * The model flags a bit-63-set load of a PCID on another PML4 than its
 * entries came from (a fault, sticky until reset); a load with bit 63
 * clear, or after INVPCID has emptied that context, starts it afresh. */
HTEST(tlb_model_rules_pcid_one_root)
{
	u64 a, b;
	rules_pml4(&a);
	b = vm_table_alloc();

	tlb_model_reset(a | 1, true);
	tlb_model_write_cr3(b | 1); /* flushed: PCID 1 now belongs to b */
	tlb_model_write_cr3(a | 2 | CR3_NOFLUSH);
	tlb_model_write_cr3(b | 1 | CR3_NOFLUSH);
	CHECK(!stale());
	tlb_model_invpcid(INVPCID_CONTEXT, 2, 0); /* PCID 2 forgets a */
	tlb_model_write_cr3(b | 2 | CR3_NOFLUSH);
	CHECK(!stale());
	tlb_model_write_cr3(a | 1 | CR3_NOFLUSH); /* b's entries, on a */
	CHECK(stale() && strstr(tlb_model_check(), "bit 63 set on PML4"));
}
