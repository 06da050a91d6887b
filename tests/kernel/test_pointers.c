/*
 * test_pointers.c - pointer passing by mapping: every class, the bytes
 * beside a buffer invisible, windows gone after the call, each kind of
 * bad pointer refused with its own error, kernel callers, nested buffers
 * and nothing pinned or mapped afterwards.  The calls come from the ptest
 * application (drivers/apps/ptest.c) into the echo driver.
 */
#include "bootinfo.h"
#include "driver.h"
#include "memlayout.h"
#include "percpu.h"
#include "errno.h"
#include "gate.h"
#include "heap.h"
#include "kstring.h"
#include "ktest.h"
#include "user.h"
#include "vm.h"
#include "window.h"
#include "slotgate/gates.h"
#include "slotgate/ptest.h"

static i64 ptest(enum ptest_action action, u64 param)
{
	return ktest_run_app("ptest", action, param);
}

KTEST(ptr_str_in) { KT_EXPECT_EQ(ptest(PT_STR_IN, 0), 11); }
KTEST(ptr_str_in_edges) { KT_EXPECT_EQ(ptest(PT_STR_EDGES, 0), 0); }

KTEST(ptr_buf_in_sizes)
{
	/* Copied (small), one page, mapped pages with bounced ends, 1 MiB. */
	static const u64 sizes[] = {1, 100, 4096, 4097, 3 * 4096 + 5, 65536, 1u << 20};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		KT_EXPECT_EQ(ptest(PT_BUF_IN, sizes[i]), 0);
}

KTEST(ptr_buf_out_sizes)
{
	/* At offset 100: copied (small, or covering no whole page: 4096,
	 * 8000), mapped from the first whole page on (8092 ends on a page
	 * boundary), bounced ends around mapped pages. */
	static const u64 sizes[] = {1, 3000, 4096, 8000, 8092, 20000, 300000};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		KT_EXPECT_EQ(ptest(PT_BUF_OUT, sizes[i]), 0);
}

KTEST(ptr_buf_inout) { KT_EXPECT_EQ(ptest(PT_BUF_INOUT, 0), 0); }
KTEST(ptr_handle_buf_out) { KT_EXPECT_EQ(ptest(PT_HANDLE_BUF, 0), 0); }
KTEST(ptr_two_buffers) { KT_EXPECT_EQ(ptest(PT_TWO_BUFFERS, 0), 3 * 1000000 + 6); }

KTEST(ptr_partial_page_neighbours_invisible)
{
	/* The caller put 0xaa just before and after the 16 bytes; the driver
	 * reads zeros from its bounce page instead. */
	KT_EXPECT_EQ(ptest(PT_PARTIAL_PAGE, 0), 0);
}

KTEST(ptr_window_unmapped_after_return)
{
	KT_EXPECT_EQ(ptest(PT_WINDOW_UNMAPPED, 0), -E_DRIVER_FAULT);
	/* A small buffer went through the copy area: still mapped, but the
	 * caller's bytes (0x77) were wiped when the call ended. */
	KT_EXPECT_EQ(ptest(PT_COPY_AREA_ZEROED, 0), 0);
}

KTEST(ptr_nested_buffer_passed_on)
{
	KT_EXPECT_EQ(ptest(PT_NESTED, 10), 0);
	KT_EXPECT_EQ(ptest(PT_NESTED, 50000), 0);
}

#define BAD_CASE(kind, error)                                                  \
	KTEST(bad_pointer_##kind) { KT_EXPECT_EQ(ptest(PT_BAD, BAD_##kind), -(error)); }

BAD_CASE(NULL, E_PTR_NULL)
BAD_CASE(KERNEL, E_PTR_KERNEL)
BAD_CASE(NONCANONICAL, E_PTR_NONCANONICAL)
BAD_CASE(UNMAPPED, E_PTR_UNMAPPED)
BAD_CASE(WRAP, E_PTR_WRAP)
BAD_CASE(TOO_LONG, E_PTR_TOO_LONG)
BAD_CASE(UNTERMINATED, E_PTR_UNTERMINATED)
BAD_CASE(READONLY_OUT, E_PTR_READONLY)
BAD_CASE(OTHER_SLOT, E_PTR_OTHER_SLOT)

/* A hole issue 14 names: a buffer that starts inside the caller's own
 * slot (on its stack) and runs past the slot's end into the next one is
 * another slot's range, whatever its pages.  With the range check looking
 * at the start alone it got E_PTR_UNMAPPED (the guard page at the top of
 * slot 0) instead; the host twin is tests/host/test_uspace.c's
 * uspace_check_past_own_slot_end_refused. */
KTEST(ptr_range_past_own_slot_end_refused)
{
	KT_EXPECT_EQ(ptest(PT_BAD, BAD_PAST_SLOT_END), -E_PTR_OTHER_SLOT);
}

KTEST(ptr_kernel_caller)
{
	u8 *b = kmalloc(20000);
	u64 want = 0;
	for (u64 i = 0; i < 20000; i++) {
		b[i] = (u8)(i * 7);
		want += b[i];
	}
	const u64 in[6] = {(u64)b, 20000};
	KT_EXPECT_EQ(gate_call_kernel(ECHO_GATES + ECHO_SUM, in), (i64)want);
	const u64 out[6] = {(u64)b + 10, 5000};
	KT_EXPECT_EQ(gate_call_kernel(ECHO_GATES + ECHO_FILL, out), 5000);
	KT_EXPECT_EQ(b[10 + 77], 77 ^ 0x5a);
	KT_EXPECT_EQ(b[9], (u8)(9 * 7)); /* untouched beside it */
	/* A kernel caller passes kernel buffers, never user addresses. */
	const u64 user[6] = {0x400000, 16};
	KT_EXPECT_EQ(gate_call_kernel(ECHO_GATES + ECHO_SUM, user), -E_PTR_OTHER_SLOT);
	kfree(b);
}

KTEST(ptr_leaks_no_pins_no_windows)
{
	for (int i = 0; i < 3; i++) {
		KT_EXPECT_EQ(ptest(PT_BUF_IN, 100000), 0);
		KT_EXPECT_EQ(ptest(PT_BAD, BAD_UNMAPPED), -E_PTR_UNMAPPED);
		KT_EXPECT_EQ(ptest(PT_WINDOW_UNMAPPED, 0), -E_DRIVER_FAULT);
	}
	KT_EXPECT_EQ(window_pages_mapped(), 0);
	KT_EXPECT_EQ(window_pages_pinned(), 0);
}

KTEST(ptr_trusted_mode_same_image)
{
	/* echot is echo's image loaded with trusted=echot: same code, no
	 * slot swap, no flush, pointers passed as they are. */
	struct driver *t = driver_find("echot"), *e = driver_find("echo");
	KT_EXPECT(t && t->mode == DRIVER_TRUSTED && e && e->mode == DRIVER_SLOT);
	if (!t || !e)
		return;
	KT_EXPECT_EQ(ptest(PT_TRUSTED, 0), 0);
	/* A call without pointers: no PML4 entry written, no flush. */
	struct slot_counters before = this_cpu()->slots.counters;
	const u64 own[6] = {slot_base(t->slot)}; /* its image's first byte */
	KT_EXPECT(gate_call_kernel(ECHOT_GATES + ECHO_PEEK, own) >= 0);
	struct slot_counters after = this_cpu()->slots.counters;
	KT_EXPECT_EQ(after.pml4e_writes - before.pml4e_writes, 0);
	KT_EXPECT_EQ(after.cr3_writes - before.cr3_writes, 0);
	KT_EXPECT_EQ(after.invlpgs - before.invlpgs, 0);
	/* A kernel buffer still goes through a window: ring 3 never sees
	 * kernel pages. */
	u8 *b = kzalloc(64);
	const u64 args[6] = {(u64)b, 64};
	KT_EXPECT_EQ(gate_call_kernel(ECHOT_GATES + ECHO_FILL, args), 64);
	KT_EXPECT_EQ(b[3], 3 ^ 0x5a);
	kfree(b);
	/* Bad pointers are still refused. */
	KT_EXPECT_EQ(ptest(PT_BAD, BAD_KERNEL), -E_PTR_KERNEL);
}

KTEST(ptr_allmapped_mode_same_image)
{
	/* echoa is echo's image loaded with allmapped=echoa: its slot is
	 * present in every view, no swap, no flush, but pointers go through
	 * its windows as for an isolated driver. */
	struct driver *a = driver_find("echoa");
	struct cpu *cpu = this_cpu();
	KT_EXPECT(a && a->mode == DRIVER_ALLMAPPED);
	if (!a)
		return;
	KT_EXPECT(cpu->slots.pml4[a->slot] & PTE_P); /* shown with no gate open */
	KT_EXPECT_EQ(ptest(PT_ALLMAPPED, 0), 0);
	struct slot_counters before = cpu->slots.counters;
	const u64 own[6] = {slot_base(a->slot)};
	KT_EXPECT(gate_call_kernel(ECHOA_GATES + ECHO_PEEK, own) >= 0);
	struct slot_counters after = cpu->slots.counters;
	KT_EXPECT_EQ(after.pml4e_writes - before.pml4e_writes, 0);
	KT_EXPECT_EQ(after.cr3_writes - before.cr3_writes, 0);
	KT_EXPECT_EQ(after.invlpgs - before.invlpgs, 0);
	KT_EXPECT_EQ(window_pages_mapped(), 0);
}
