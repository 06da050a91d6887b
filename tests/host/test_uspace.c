/*
 * test_uspace.c - kernel/uspace.c on the host: the range arithmetic of
 * pointer validation (NULL, non-canonical, wrap, the kernel half, another
 * slot, and a range that starts in the space's own slot and runs past its
 * end), the page checks over real page tables (vm.c over the arena), the
 * string scan and the copy.  The gate (slots/window.c) and long IPC
 * (kernel/ipc.c) validate every pointer through these functions.
 */
#include "arena.h"
#include "errno.h"
#include "htest.h"
#include "memlayout.h"
#include "uspace.h"
#include "vm.h"

#include <string.h>

#define USPACE_FRAMES 128

static u64 *new_tables(void)
{
	arena_reset(USPACE_FRAMES);
	return vm_table_virt(vm_table_alloc());
}

/* Map a fresh frame at @va with @flags; its physical address. */
static u64 map_page(u64 *pml4, u64 va, u64 flags)
{
	u64 pa = pmm_core_alloc(&arena_core);
	CHECK(pa != 0);
	CHECK_EQ(vm_map(pml4, va, pa, flags), 0);
	return pa;
}

static u8 *bytes_at(u64 pa) { return phys_to_virt(pa); }

#define USER_RW (VM_USER | VM_WRITE)
#define DRV 5 /* a driver's slot */

HTEST(uspace_range_null_noncanonical_wrap)
{
	struct uspace s = {NULL, DRV, false};
	CHECK_EQ(uspace_range(&s, 0, 16), -E_PTR_NULL);
	CHECK_EQ(uspace_range(&s, 0x0000900000000000ull, 16), -E_PTR_NONCANONICAL);
	CHECK_EQ(uspace_range(&s, 0xffff000000000000ull, 1), -E_PTR_NONCANONICAL);
	CHECK_EQ(uspace_range(&s, 0xfffffffffffff000ull, 0x2000), -E_PTR_WRAP);
	CHECK_EQ(uspace_range(&s, slot_base(DRV), ~0ull), -E_PTR_WRAP);
	/* The order of docs/gate-abi.md: NULL before anything else. */
	struct uspace k = {NULL, 0, true};
	CHECK_EQ(uspace_range(&k, 0, 16), -E_PTR_NULL);
	CHECK_EQ(uspace_range(&k, 0xfffffffffffff000ull, 0x2000), -E_PTR_WRAP);
}

HTEST(uspace_range_kernel_half_and_kernel_space)
{
	struct uspace s = {NULL, DRV, false};
	CHECK_EQ(uspace_range(&s, DIRECT_MAP_BASE + 0x1000, 16), -E_PTR_KERNEL);
	CHECK_EQ(uspace_range(&s, KERNEL_VMA, 1), -E_PTR_KERNEL);
	/* The kernel's space takes the upper half only. */
	struct uspace k = {NULL, 0, true};
	CHECK_EQ(uspace_range(&k, KERNEL_VMA, 4096), 0);
	CHECK_EQ(uspace_range(&k, 0x400000, 16), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_range(&k, slot_base(DRV), 16), -E_PTR_OTHER_SLOT);
}

HTEST(uspace_range_other_slot_refused)
{
	struct uspace s = {NULL, DRV, false};
	CHECK_EQ(uspace_range(&s, slot_base(DRV), 16), 0);
	CHECK_EQ(uspace_range(&s, slot_base(DRV - 1), 16), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_range(&s, slot_base(DRV + 1), 16), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_range(&s, 0x400000, 16), -E_PTR_OTHER_SLOT); /* the app's */
	/* Ending just before the slot, or starting one byte before it. */
	CHECK_EQ(uspace_range(&s, slot_base(DRV) - 16, 16), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_range(&s, slot_base(DRV) - 1, 16), -E_PTR_OTHER_SLOT);
}

/* The hole issue 14 names: a range that starts in the caller's own slot
 * and runs past its end, into the next slot, is another slot's range. */
HTEST(uspace_range_past_own_slot_end_refused)
{
	const unsigned slots[] = {APP_SLOT, DRV, LAST_DRIVER_SLOT};
	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		struct uspace s = {NULL, slots[i], false};
		u64 end = slot_base(slots[i]) + SLOT_SIZE;
		CHECK_EQ(uspace_range(&s, end - 16, 16), 0); /* up to the end */
		CHECK_EQ(uspace_range(&s, end - 16, 17), -E_PTR_OTHER_SLOT);
		CHECK_EQ(uspace_range(&s, end - 1, 2), -E_PTR_OTHER_SLOT);
		CHECK_EQ(uspace_range(&s, end - 4096, 2 * 4096), -E_PTR_OTHER_SLOT);
		CHECK_EQ(uspace_range(&s, slot_base(slots[i]) + 1, SLOT_SIZE),
			 -E_PTR_OTHER_SLOT);
		CHECK_EQ(uspace_range(&s, slot_base(slots[i]) + 4096, SLOT_SIZE - 4096), 0);
	}
	/* Slot 255 runs into the kernel half's bottom (non-canonical). */
	struct uspace last = {NULL, LAST_DRIVER_SLOT, false};
	CHECK_EQ(uspace_range(&last, USER_TOP - 8, 16), -E_PTR_OTHER_SLOT);
}

/* The same hole with pages behind it: the last page of the slot and the
 * first of the next are both mapped user-writable in the same tables, so
 * only the slot's end can refuse the range - a check that looked at the
 * start alone would validate a page of the next slot. */
HTEST(uspace_check_past_own_slot_end_refused)
{
	u64 *pml4 = new_tables();
	u64 end = slot_base(DRV + 1);
	map_page(pml4, end - PAGE_SIZE, USER_RW);
	map_page(pml4, end, USER_RW);
	struct uspace s = {pml4, DRV, false};
	u64 first = 0;
	CHECK_EQ(uspace_check(&s, end - 100, 100, true, &first), 0);
	CHECK_EQ(uspace_check(&s, end - 100, 101, false, &first), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_check(&s, end - 100, 101, true, NULL), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_check(&s, end - PAGE_SIZE, 2 * PAGE_SIZE, false, NULL),
		 -E_PTR_OTHER_SLOT);
	/* A string that runs past the end of the slot without a NUL. */
	memset(bytes_at(first), 'x', PAGE_SIZE);
	u64 len = 0;
	CHECK_EQ(uspace_string(&s, end - 100, 4096, &len, NULL), -E_PTR_OTHER_SLOT);
	/* The copy, both ways. */
	CHECK_EQ(uspace_copy(&s, end - 100, &s, end - 300, 101), -E_PTR_OTHER_SLOT);
	CHECK_EQ(uspace_copy(&s, end - 300, &s, end - 100, 101), -E_PTR_OTHER_SLOT);
}

HTEST(uspace_check_pages_unmapped_supervisor_readonly)
{
	u64 *pml4 = new_tables();
	u64 base = slot_base(DRV) + 0x10000;
	u64 a = map_page(pml4, base, USER_RW);
	map_page(pml4, base + PAGE_SIZE, VM_USER);         /* read-only */
	map_page(pml4, base + 2 * PAGE_SIZE, VM_WRITE);    /* supervisor */
	struct uspace s = {pml4, DRV, false};
	u64 first = 0;
	CHECK_EQ(uspace_check(&s, base + 8, 100, true, &first), 0);
	CHECK_EQ(first, a);
	CHECK_EQ(uspace_check(&s, base + 8, PAGE_SIZE, false, NULL), 0);
	CHECK_EQ(uspace_check(&s, base + 8, PAGE_SIZE, true, NULL), -E_PTR_READONLY);
	CHECK_EQ(uspace_check(&s, base + 8, 2 * PAGE_SIZE, false, NULL), -E_PTR_UNMAPPED);
	CHECK_EQ(uspace_check(&s, base + 3 * PAGE_SIZE, 1, false, NULL), -E_PTR_UNMAPPED);
	CHECK_EQ(uspace_check(&s, base - 1, 2, false, NULL), -E_PTR_UNMAPPED);
	/* An empty range is always fine; a kernel space takes supervisor pages. */
	CHECK_EQ(uspace_check(&s, 0, 0, true, NULL), 0);
	u64 kva = KERNEL_HEAP_BASE + 0x3000;
	map_page(pml4, kva, VM_WRITE);
	struct uspace k = {pml4, 0, true};
	CHECK_EQ(uspace_check(&k, kva, PAGE_SIZE, true, NULL), 0);
	CHECK_EQ(uspace_check(&k, base, 1, false, NULL), -E_PTR_OTHER_SLOT);
}

HTEST(uspace_string_lengths_and_limits)
{
	u64 *pml4 = new_tables();
	u64 base = slot_base(DRV) + 0x20000;
	u64 a = map_page(pml4, base, USER_RW), b = map_page(pml4, base + PAGE_SIZE, VM_USER);
	memset(bytes_at(a), 'a', PAGE_SIZE);
	memset(bytes_at(b), 'b', PAGE_SIZE);
	bytes_at(b)[10] = 0; /* a string from any byte of page a ends here */
	struct uspace s = {pml4, DRV, false};
	u64 len = 0, first = 0;
	CHECK_EQ(uspace_string(&s, base + 4000, 4096, &len, &first), 0);
	CHECK_EQ(len, 96 + 10);
	CHECK_EQ(first, a);
	/* The NUL must lie below max: 106 characters need max >= 107. */
	CHECK_EQ(uspace_string(&s, base + 4000, 107, &len, NULL), 0);
	CHECK_EQ(uspace_string(&s, base + 4000, 106, &len, NULL), -E_PTR_UNTERMINATED);
	CHECK_EQ(uspace_string(&s, base + PAGE_SIZE + 10, 1, &len, NULL), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(uspace_string(&s, base + PAGE_SIZE + 11, 4096, &len, NULL),
		 -E_PTR_UNMAPPED); /* runs into the unmapped third page */
	CHECK_EQ(uspace_string(&s, 0, 4096, &len, NULL), -E_PTR_NULL);
	CHECK_EQ(uspace_string(&s, slot_base(DRV + 2), 4096, &len, NULL), -E_PTR_OTHER_SLOT);
}

/* Found while writing tests/host/fuzz/fuzz_uspace.c: a string pointer in the last
 * page of the address space, with a maximum that wraps p + max past 2^64,
 * was "unterminated" without a look at the pointer, instead of refused
 * as a kernel (or non-canonical, or NULL) pointer in the documented order. */
HTEST(uspace_string_end_wrapping_gets_the_pointer_error)
{
	struct uspace s = {new_tables(), DRV, false};
	u64 len = 0;
	CHECK_EQ(uspace_string(&s, 0xfffffffffffff800ull, 4096, &len, NULL), -E_PTR_KERNEL);
	CHECK_EQ(uspace_string(&s, 0xfffffffffffffff8ull, 8, &len, NULL), -E_PTR_KERNEL);
	CHECK_EQ(uspace_string(&s, slot_base(DRV) + 0x1000, ~0ull, &len, NULL),
		 -E_PTR_UNMAPPED);
	/* A kernel space's string without a NUL up to the top of memory. */
	u64 *pml4 = (u64 *)s.tables, top = 0xfffffffffffff000ull;
	memset(bytes_at(map_page(pml4, top, VM_WRITE)), 'k', PAGE_SIZE);
	struct uspace k = {pml4, 0, true};
	CHECK_EQ(uspace_string(&k, top + 4000, 96, &len, NULL), -E_PTR_UNTERMINATED);
	CHECK_EQ(uspace_string(&k, top + 4000, 97, &len, NULL), -E_PTR_WRAP);
}

HTEST(uspace_copy_stops_at_the_first_bad_page)
{
	u64 *pml4 = new_tables();
	u64 src = slot_base(DRV) + 0x40000, dst = slot_base(DRV) + 0x80000;
	u64 s0 = map_page(pml4, src, VM_USER), s1 = map_page(pml4, src + PAGE_SIZE, VM_USER);
	u64 d0 = map_page(pml4, dst, USER_RW), d1 = map_page(pml4, dst + PAGE_SIZE, VM_USER);
	for (u64 i = 0; i < PAGE_SIZE; i++) {
		bytes_at(s0)[i] = (u8)i;
		bytes_at(s1)[i] = (u8)(i ^ 0x55);
	}
	memset(bytes_at(d0), 0, PAGE_SIZE);
	memset(bytes_at(d1), 0xee, PAGE_SIZE);
	struct uspace s = {pml4, DRV, false};
	/* Into the writable page only: every byte, across the source's pages. */
	CHECK_EQ(uspace_copy(&s, dst + 100, &s, src + 4000, 3000), 0);
	CHECK_EQ(bytes_at(d0)[100], (u8)4000);
	CHECK_EQ(bytes_at(d0)[100 + 96], (u8)(0 ^ 0x55));
	CHECK_EQ(bytes_at(d0)[99], 0);
	/* Past it into the read-only page: refused there, the read-only page
	 * untouched, the bytes before it copied. */
	CHECK_EQ(uspace_copy(&s, dst + 4000, &s, src, 200), -E_PTR_READONLY);
	CHECK_EQ(bytes_at(d0)[4095], 95);
	CHECK_EQ(bytes_at(d1)[0], 0xee);
	/* A source page that is not mapped. */
	CHECK_EQ(uspace_copy(&s, dst, &s, src + 2 * PAGE_SIZE - 8, 16), -E_PTR_UNMAPPED);
	CHECK_EQ(uspace_copy(&s, dst, &s, 0, 0), 0);
	CHECK_EQ(uspace_copy(&s, dst, &s, 0, 1), -E_PTR_NULL);
}
