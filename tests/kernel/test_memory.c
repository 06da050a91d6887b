/*
 * test_memory.c - frames, page tables and the heap give back everything
 * they take (the runner also checks the counters around every case).
 */
#include "arch/x86.h"
#include "cpu.h"
#include "driver.h"
#include "view.h"
#include "errno.h"
#include "heap.h"
#include "kernel.h"
#include "kpt.h"
#include "ktest.h"
#include "kstring.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "trap.h"
#include "vm.h"

#define FRAMES 64

KTEST(pmm_alloc_free_balance)
{
	u64 frames[FRAMES], before = pmm_allocated();
	bool ok = true;

	for (int i = 0; i < FRAMES; i++) {
		frames[i] = pmm_alloc();
		ok &= frames[i] && IS_ALIGNED(frames[i], PAGE_SIZE);
		ok &= *(u64 *)phys_to_virt(frames[i]) == 0; /* zeroed */
		for (int j = 0; j < i; j++)
			ok &= frames[j] != frames[i];
	}
	KT_EXPECT(ok);
	KT_EXPECT_EQ(pmm_allocated(), before + FRAMES);
	for (int i = 0; i < FRAMES; i++)
		pmm_free(frames[i]);
	KT_EXPECT_EQ(pmm_allocated(), before);
}

KTEST(vm_map_query_unmap_4k)
{
	u64 before = pmm_allocated(), pml4 = kpt_new_pml4(), frame = pmm_alloc();
	u64 *t = phys_to_virt(pml4), va = 0x0000001234567000ull, pa;
	struct vm_mapping m;

	KT_EXPECT_EQ(vm_map(t, va, frame, VM_USER | VM_WRITE | VM_NX), 0);
	KT_EXPECT(vm_query(t, va + 0x123, &m));
	KT_EXPECT_EQ(m.pa, frame + 0x123);
	KT_EXPECT_EQ(m.flags, VM_USER | VM_WRITE | VM_NX);
	KT_EXPECT_EQ(m.size, PAGE_SIZE);
	KT_EXPECT_EQ(pmm_allocated(), before + 2 + 3); /* PDPT, PD, PT */
	KT_EXPECT_EQ(vm_unmap(t, va, &pa), 0);
	KT_EXPECT_EQ(pa, frame);
	KT_EXPECT(!vm_query(t, va, &m));
	KT_EXPECT_EQ(pmm_allocated(), before + 2 + 1); /* PD and PT freed */
	vm_free_range(t, 0, 0, NULL);                   /* and the PDPT */
	KT_EXPECT_EQ(t[0], 0);
	pmm_free(frame);
	pmm_free(pml4);
	KT_EXPECT_EQ(pmm_allocated(), before);
}

KTEST(vm_map_2m_page)
{
	u64 pml4 = kpt_new_pml4(), va = 0x0000000040000000ull, pa;
	u64 *t = phys_to_virt(pml4);
	struct vm_mapping m;

	KT_EXPECT_EQ(vm_map(t, va, 0x200000, VM_LARGE | VM_WRITE), 0);
	KT_EXPECT(vm_query(t, va + 0x12345, &m));
	KT_EXPECT_EQ(m.pa, 0x212345);
	KT_EXPECT_EQ(m.size, LARGE_PAGE_SIZE);
	KT_EXPECT_EQ(vm_map(t, va + PAGE_SIZE, 0x1000, 0), -E_BUSY); /* inside it */
	KT_EXPECT_EQ(vm_unmap(t, va, &pa), 0);
	KT_EXPECT_EQ(pa, 0x200000);
	vm_free_range(t, 0, 0, NULL);
	pmm_free(pml4);
}

KTEST(vm_rejects_bad_requests)
{
	u64 pml4 = kpt_new_pml4();
	u64 *t = phys_to_virt(pml4);

	KT_EXPECT_EQ(vm_map(t, 0x1001, 0x2000, 0), -E_INVAL);               /* unaligned va */
	KT_EXPECT_EQ(vm_map(t, 0x1000, 0x2001, 0), -E_INVAL);               /* unaligned pa */
	KT_EXPECT_EQ(vm_map(t, 0x0000900000000000ull, 0x2000, 0), -E_INVAL); /* non-canonical */
	KT_EXPECT_EQ(vm_map(t, 0x201000, 0x200000, VM_LARGE), -E_INVAL);   /* unaligned 2M */
	KT_EXPECT_EQ(vm_unmap(t, 0x5000, NULL), -E_NOENT);
	KT_EXPECT_EQ(vm_map(t, 0x5000, 0x2000, 0), 0);
	KT_EXPECT_EQ(vm_map(t, 0x5000, 0x3000, 0), -E_BUSY);
	KT_EXPECT_EQ(vm_unmap(t, 0x5000, NULL), 0);
	vm_free_range(t, 0, 0, NULL);
	pmm_free(pml4);
}

KTEST(vm_free_range_frees_everything)
{
	u64 before = pmm_allocated(), pml4 = kpt_new_pml4();
	u64 *t = phys_to_virt(pml4);

	for (u64 i = 0; i < 40; i++) /* spans two page tables and two slots */
		KT_EXPECT_EQ(vm_map(t, (i % 2) * SLOT_SIZE + 0x1ff000 + i * PAGE_SIZE,
				    pmm_alloc(), VM_USER), 0);
	vm_free_range(t, 0, 1, pmm_free);
	KT_EXPECT_EQ(t[0] | t[1], 0);
	pmm_free(pml4);
	KT_EXPECT_EQ(pmm_allocated(), before);
}

KTEST(heap_small_and_large)
{
	u64 objects = heap_live_objects();
	u8 *small[32];
	for (int i = 0; i < 32; i++) {
		small[i] = kmalloc(24 + i * 40);
		KT_EXPECT(small[i] && IS_ALIGNED((u64)small[i], 16));
		memset(small[i], i, 24 + i * 40);
	}
	u8 *big = kzalloc(100000);
	KT_EXPECT(big != NULL);
	big[99999] = 7;
	bool intact = true;
	for (int i = 0; i < 32; i++)
		intact &= small[i][23 + i * 40] == i;
	KT_EXPECT(intact);
	KT_EXPECT_EQ(heap_live_objects(), objects + 33);
	for (int i = 0; i < 32; i++)
		kfree(small[i]);
	kfree(big);
	KT_EXPECT_EQ(heap_live_objects(), objects);
}

static void read_byte(void *p) { (void)*(volatile u8 *)p; }

KTEST(heap_freed_large_object_unmapped)
{
	struct fault_info f;
	u8 *big = kmalloc(3 * PAGE_SIZE);
	KT_EXPECT(big != NULL);
	big[0] = 1;
	KT_EXPECT_EQ(trap_catch(read_byte, big, &f), -1);
	kfree(big);
	/* A use after free of a large object faults instead of corrupting. */
	KT_EXPECT_EQ(trap_catch(read_byte, big, &f), VEC_PF);
}

/* --- a view's page unmapped while the view is shown here ------------------ */

/* A page of null's view, read while the view is current on this CPU (so
 * the TLB holds it), then unmapped with no view switch and no CR3 write
 * after it: the next read must fault.  Without this case every unmap was
 * followed by a switch, whose CR3 write hid a missing INVLPG from Bochs
 * (issue 14). */
KTEST(view_unmap_of_the_current_view_invalidates)
{
	struct driver *d = driver_find("null");
	struct cpu *cpu = this_cpu();
	struct view *shown = cpu->slots.current;
	u64 frame = pmm_alloc(), pa = 0;
	struct fault_info info;
	BUG_ON(!d || !frame);
	*(u64 *)phys_to_virt(frame) = 0x7e57c0de;
	u64 va = slot_base(d->slot) + 100 * SELECTOR_SIZE, value = 0;
	view_switch(&cpu->slots, &d->view);
	KT_EXPECT_EQ(view_map(&d->view, va, frame, VM_USER | VM_NX), 0);
	KT_EXPECT_EQ(ktest_read_user(va, &value, &info), -1);
	KT_EXPECT_EQ(value, 0x7e57c0de);
	struct slot_counters was = cpu->slots.counters;
	KT_EXPECT_EQ(view_unmap(&cpu->slots, &d->view, va, &pa), 0);
	KT_EXPECT_EQ(pa, frame);
	value = 0;
	KT_EXPECT_EQ(ktest_read_user(va, &value, &info), VEC_PF);
	KT_EXPECT_EQ(value, 0);
	KT_EXPECT_EQ(info.cr2, va);
	/* Every strategy invalidates a page of the current view by one
	 * INVLPG (SDM 3A §4.10.4.1), and nothing more. */
	KT_EXPECT_EQ(cpu->slots.counters.invlpgs - was.invlpgs, 1);
	KT_EXPECT_EQ(cpu->slots.counters.cr3_writes - was.cr3_writes, 0);
	view_switch(&cpu->slots, shown);
	pmm_free(frame);
}
