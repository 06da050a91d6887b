/*
 * test_memory.c - the frame allocator core and the page-table module,
 * built for the host.  vm.c runs unchanged over an arena of "physical"
 * memory handed out by the real pmm_core; the four environment hooks
 * (vm.h) are the arena's (arena.c).
 */
#include "arena.h"
#include "errno.h"
#include "htest.h"
#include "memlayout.h"
#include "pmm.h"
#include "vm.h"

#define MEMORY_TEST_FRAMES 256 /* small: vm_out_of_tables exhausts it */

static void memory_arena_reset(void) { arena_reset(MEMORY_TEST_FRAMES); }

static void free_frame(u64 pa) { CHECK_EQ(pmm_core_free(&arena_core, pa), 0); }

HTEST(pmm_core_counts_and_reuses)
{
	u64 bm[2];
	struct pmm_core p;
	pmm_core_init(&p, bm, 0, 100);
	pmm_core_release(&p, 0, 100 * PAGE_SIZE);
	CHECK_EQ(p.free, 99); /* frame 0 is never handed out: 0 means "none" */
	pmm_core_reserve(&p, 10 * PAGE_SIZE + 5, 2); /* touches frame 10 only */
	CHECK_EQ(p.free, 98);
	u64 a = pmm_core_alloc(&p);
	CHECK_EQ(a, PAGE_SIZE);
	CHECK_EQ(p.allocated, 1);
	CHECK_EQ(pmm_core_free(&p, a), 0);
	CHECK_EQ(pmm_core_free(&p, a), -E_INVAL); /* double free */
	CHECK_EQ(pmm_core_free(&p, a + 1), -E_INVAL);
	CHECK_EQ(pmm_core_free(&p, 200 * PAGE_SIZE), -E_INVAL);
	CHECK_EQ(pmm_core_free(&p, 10 * PAGE_SIZE), -E_INVAL); /* reserved, not allocated */
	CHECK_EQ(pmm_core_alloc(&p), a); /* lowest free frame first */
	CHECK_EQ(p.allocated, 1);
}

HTEST(pmm_core_take_all_and_give_back)
{
	u64 bm[3], mine[3] = {0};
	struct pmm_core p;
	pmm_core_init(&p, bm, 0, 150);
	pmm_core_release(&p, 0, 150 * PAGE_SIZE);
	u64 a = pmm_core_alloc(&p);
	CHECK_EQ(pmm_core_take_all(&p, mine, 3), 148);
	CHECK_EQ(p.free, 0);
	CHECK_EQ(p.allocated, 149);
	CHECK_EQ(pmm_core_alloc(&p), 0);
	CHECK_EQ(mine[0] & (1ull << (a / PAGE_SIZE)), 0); /* not ours */
	CHECK_EQ(mine[2] >> (150 - 128), 0);               /* past the end */
	/* One given back by hand: the marks skip it afterwards. */
	CHECK_EQ(pmm_core_free(&p, 70 * PAGE_SIZE), 0);
	CHECK_EQ(pmm_core_give_back_marked(&p, mine, 3), 147);
	CHECK_EQ(mine[0] | mine[1] | mine[2], 0);
	CHECK_EQ(p.free, 148);
	CHECK_EQ(p.allocated, 1);
	CHECK_EQ(pmm_core_alloc(&p), 2 * PAGE_SIZE); /* the hint went back */
	/* Only the first word: frames above it stay free. */
	CHECK_EQ(pmm_core_take_all(&p, mine, 1), 61);
	CHECK_EQ(p.free, 148 - 1 - 61);
	CHECK(pmm_core_alloc(&p) >= 64 * PAGE_SIZE);
}

HTEST(pmm_core_exhaustion)
{
	u64 bm[1];
	struct pmm_core p;
	pmm_core_init(&p, bm, 0x100000, 8);
	pmm_core_release(&p, 0x100000 + 100, 8 * PAGE_SIZE); /* partial first frame */
	CHECK_EQ(p.free, 7);
	for (int i = 0; i < 7; i++)
		CHECK(pmm_core_alloc(&p) != 0);
	CHECK_EQ(pmm_core_alloc(&p), 0);
	CHECK_EQ(p.allocated, 7);
	CHECK_EQ(p.free, 0);
}

HTEST(vm_map_query_unmap_frees_tables)
{
	memory_arena_reset();
	u64 pml4 = vm_table_alloc(), frame = pmm_core_alloc(&arena_core);
	u64 *t = vm_table_virt(pml4);
	u64 before = arena_core.allocated;
	struct vm_mapping m;

	CHECK_EQ(vm_map(t, 0x7000, frame, VM_USER | VM_WRITE), 0);
	CHECK_EQ(arena_core.allocated, before + 3);
	CHECK(vm_query(t, 0x7abc, &m));
	CHECK_EQ(m.pa, frame + 0xabc);
	CHECK_EQ(m.flags, VM_USER | VM_WRITE);
	CHECK_EQ(t[0] & PTE_US, PTE_US); /* U/S let through above a user page */
	u64 pa = 0;
	CHECK_EQ(vm_unmap(t, 0x7000, &pa), 0);
	CHECK_EQ(pa, frame);
	CHECK_EQ(arena_core.allocated, before + 1); /* the PDPT stays */
	CHECK(t[0] & PTE_P);
	CHECK_EQ(vm_unmap(t, 0x7000, &pa), -E_NOENT);
	vm_free_range(t, 0, 0, NULL);
	CHECK_EQ(arena_core.allocated, before);
	CHECK_EQ(t[0], 0);
}

HTEST(vm_large_pages_not_split)
{
	memory_arena_reset();
	u64 *t = vm_table_virt(vm_table_alloc());
	struct vm_mapping m;

	CHECK_EQ(vm_map(t, 0x40000000, 0x80000000, VM_LARGE | VM_NX), 0);
	CHECK(vm_query(t, 0x401fffff, &m));
	CHECK_EQ(m.pa, 0x801fffff);
	CHECK_EQ(m.size, LARGE_PAGE_SIZE);
	CHECK_EQ(m.flags, VM_NX);
	CHECK_EQ(vm_map(t, 0x40001000, 0x1000, 0), -E_BUSY);
	CHECK_EQ(vm_unmap(t, 0x40001000, NULL), -E_NOENT);
	CHECK_EQ(vm_unmap(t, 0x40000000, NULL), 0);
	u64 *pdpt = vm_table_virt(t[0] & PTE_ADDR);
	CHECK_EQ(pdpt[1], 0); /* the page directory went */
}

HTEST(vm_unmap_keeps_upper_half_tables)
{
	memory_arena_reset();
	u64 *t = vm_table_virt(vm_table_alloc());
	u64 pdpt = vm_table_alloc();
	t[300] = pdpt | PTE_P | PTE_RW;
	u64 va = 0xffff960000000000ull; /* PML4 index 300 */
	CHECK_EQ(pml4_index(va), 300);
	CHECK_EQ(vm_map(t, va, 0x5000, VM_GLOBAL), 0);
	u64 tables = arena_core.allocated;
	CHECK_EQ(vm_unmap(t, va, NULL), 0);
	CHECK_EQ(t[300], pdpt | PTE_P | PTE_RW); /* shared PDPT survives */
	/* ... and so do its directory and page table: other PCIDs may hold
	 * them in their paging-structure caches. */
	CHECK_EQ(arena_core.allocated, tables);
	CHECK(vm_table_virt(pdpt)[0] & PTE_P);
}

HTEST(vm_bad_requests)
{
	memory_arena_reset();
	u64 *t = vm_table_virt(vm_table_alloc());
	CHECK_EQ(vm_map(t, 0x1234, 0x1000, 0), -E_INVAL);
	CHECK_EQ(vm_map(t, 0x1000, 0x1234, 0), -E_INVAL);
	CHECK_EQ(vm_map(t, 0x0000800000000000ull, 0x1000, 0), -E_INVAL);
	CHECK_EQ(vm_map(t, 0x1000, 0x1000, 1ull << 9), -E_INVAL); /* unknown flag */
	CHECK(!vm_query(t, 0xdead0000, &(struct vm_mapping){0}));
}

HTEST(vm_out_of_tables)
{
	memory_arena_reset();
	u64 *t = vm_table_virt(vm_table_alloc());
	while (pmm_core_alloc(&arena_core))
		;
	CHECK_EQ(vm_map(t, 0x1000, 0x1000, 0), -E_NOMEM);
}

HTEST(vm_free_range_returns_all)
{
	memory_arena_reset();
	u64 *t = vm_table_virt(vm_table_alloc());
	u64 before = arena_core.allocated;
	for (u64 i = 0; i < 100; i++) /* crosses a page-table boundary */
		CHECK_EQ(vm_map(t, SLOT_SIZE * (i % 3) + 0x1f0000 + i * PAGE_SIZE,
				pmm_core_alloc(&arena_core), VM_USER),
			 0);
	vm_free_range(t, 0, 2, free_frame);
	CHECK_EQ(arena_core.allocated, before);
	CHECK_EQ(t[0] | t[1] | t[2], 0);
}

HTEST(slot_and_selector_arithmetic)
{
	CHECK_EQ(SELECTORS_PER_SLOT, 128);
	CHECK_EQ(slot_base(1), 0x0000008000000000ull);
	CHECK_EQ(slot_base(255), 0x00007f8000000000ull);
	CHECK_EQ(addr_slot(0x00007f8000001234ull), 255);
	CHECK_EQ(addr_selector(0x0000008123456789ull), 0x81);
	CHECK_EQ(addr_offset(0x0000008123456789ull), 0x23456789);
	CHECK_EQ(selector_addr(0x81, 0x23456789), 0x0000008123456789ull);
	CHECK_EQ(selector_slot(0x81), 1);
	CHECK_EQ(selector_slot(127), 0);
	CHECK_EQ(slot_first_selector(2), 256);
	CHECK_EQ(addr_selector(0xffffffffull), 0); /* a 32-bit flat pointer */
	CHECK(is_canonical(0x00007fffffffffffull));
	CHECK(!is_canonical(0x0000800000000000ull));
	CHECK(is_canonical(0xffff800000000000ull));
	CHECK(user_range_ok(0x1000, 0x1000));
	CHECK(!user_range_ok(0x00007ffffffff000ull, 0x2000));
	CHECK(!user_range_ok(0xfffffffffffff000ull, 0x2000)); /* wraps */
	CHECK_EQ(pml4_index(DIRECT_MAP_BASE), 256);
	CHECK_EQ(pml4_index(KERNEL_VMA), 511);
	CHECK_EQ(vm_index(0x0000008040201000ull, 4), 1);
	CHECK_EQ(vm_index(0x0000008040201000ull, 3), 1);
	CHECK_EQ(vm_index(0x0000008040201000ull, 2), 1);
	CHECK_EQ(vm_index(0x0000008040201000ull, 1), 1);
}
