/*
 * test_gates.c - gates, slot isolation, nesting and fault containment,
 * probed from real ring-3 code: the gtest application and the null,
 * nest and hostile drivers (drivers/).  Case names carry the words the
 * gate issue lists (selector0, stale_tlb, fault_pf, ...).
 */
#include "arch/x86.h"
#include "bootinfo.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "flush.h"
#include "memlayout.h"
#include "gate.h"
#include "heap.h"
#include "kstring.h"
#include "ktest.h"
#include "percpu.h"
#include "trap.h"
#include "user.h"
#include "vm.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

static i64 gtest(enum gtest_action action, u64 param)
{
	return ktest_run_app("gtest", action, param);
}

static i64 kcall(u64 gate)
{
	const u64 args[6] = {1, 2, 3, 4, 5, 6};
	return gate_call_kernel(gate, args);
}

KTEST(gate_null_round_trip_from_app)
{
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
}

KTEST(gate_null_round_trip_from_kernel)
{
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 21);
	KT_EXPECT_EQ(this_cpu()->slots.current, NULL); /* view restored */
}

KTEST(gate_selector0_absent_in_driver)
{
	/* The app's data in its selector 0 (4 MiB) is gone while null runs. */
	KT_EXPECT_EQ(gtest(GTEST_PEEK_OWN_LOW, 0), -E_DRIVER_FAULT);
}

KTEST(gate_caller_slot_absent_in_driver)
{
	KT_EXPECT_EQ(gtest(GTEST_PEEK_OWN_STACK, 0), -E_DRIVER_FAULT);
}

KTEST(gate_kernel_absent_in_driver)
{
	KT_EXPECT_EQ(gtest(GTEST_PEEK_KERNEL, 0), -E_DRIVER_FAULT);
}

KTEST(gate_other_slot_absent_in_driver)
{
	/* nest reads a page of null's slot. */
	KT_EXPECT_EQ(gtest(GTEST_PEEK_OTHER_SLOT, 0), -E_DRIVER_FAULT);
}

KTEST(gate_stale_tlb_app_to_driver)
{
	/* The app reads its page (cached now), the driver reads the same
	 * address: a stale translation would let it through. */
	KT_EXPECT_EQ(gtest(GTEST_STALE_TO_DRIVER, 0), -E_DRIVER_FAULT);
}

KTEST(gate_stale_tlb_driver_to_app)
{
	/* The driver writes its page and returns its address; the app reads
	 * it and must be killed by a #PF at exactly that address. */
	struct fault_info f;
	KT_EXPECT_EQ(user_run_module("gtest", GTEST_STALE_TO_APP, NULL, &f), -E_KILLED);
	KT_EXPECT_EQ(f.vector, VEC_PF);
	KT_EXPECT_EQ(addr_slot(f.cr2), driver_find("null")->slot);
}

KTEST(gate_bad_gate_numbers)
{
	KT_EXPECT_EQ(gtest(GTEST_CALL, 200), -E_NOGATE);     /* unregistered */
	KT_EXPECT_EQ(gtest(GTEST_CALL, GATE_MAX), -E_NOGATE); /* out of range */
	KT_EXPECT_EQ(gtest(GTEST_CALL, GATE_MAX + 1000), -E_NOGATE);
	KT_EXPECT_EQ(kcall(GATE_MAX + 5), -E_NOGATE);
}

KTEST(gate_forbidden_caller)
{
	/* Kernel-only-and-drivers gate: an application is refused ... */
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_KERNEL_ONLY), -E_FORBIDDEN);
	/* ... a driver (nest calling it) and the kernel are not. */
	KT_EXPECT_EQ(gtest(GTEST_CALL, NEST_GATES + NEST_KERNEL_ONLY), 7);
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_KERNEL_ONLY), 7);
}

KTEST(gate_nested_chain_unwinds)
{
	/* app -> nest(3) -> nest(2) -> nest(1) -> nest(0) -> null: depth 5 */
	KT_EXPECT_EQ(gtest(GTEST_NEST, 3), 21 + 3);
	KT_EXPECT_EQ(gtest(GTEST_NEST, 0), 21);
	KT_EXPECT_EQ(this_cpu()->thread->gate_depth, 0);
}

KTEST(gate_nested_limit)
{
	/* nest(d) needs depth d + 2: 8 is the limit, one more is refused. */
	KT_EXPECT_EQ(gtest(GTEST_NEST, GATE_MAX_DEPTH - 2), 21 + GATE_MAX_DEPTH - 2);
	KT_EXPECT_EQ(gtest(GTEST_NEST, GATE_MAX_DEPTH - 1), -E_NESTING);
	KT_EXPECT_EQ(this_cpu()->thread->gate_depth, 0);
}

static void expect_contained(u64 gate, i64 error)
{
	struct driver *d = driver_find("hostile");
	unsigned faults = d->faults, restarts = d->restarts;
	KT_EXPECT_EQ(gtest(GTEST_CALL, gate), error);
	KT_EXPECT_EQ(d->faults, faults + 1);
	KT_EXPECT_EQ(d->restarts, restarts + 1); /* policy restart */
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_COUNT), 1);
}

KTEST(gate_fault_pf_contained) { expect_contained(HOSTILE_GATES + HOSTILE_PF, -E_DRIVER_FAULT); }
KTEST(gate_fault_gp_contained) { expect_contained(HOSTILE_GATES + HOSTILE_GP, -E_DRIVER_FAULT); }
KTEST(gate_fault_ud_contained) { expect_contained(HOSTILE_GATES + HOSTILE_UD, -E_DRIVER_FAULT); }
KTEST(gate_fault_de_contained) { expect_contained(HOSTILE_GATES + HOSTILE_DE, -E_DRIVER_FAULT); }
KTEST(gate_stack_overflow_contained) { expect_contained(HOSTILE_GATES + HOSTILE_STACK, -E_DRIVER_FAULT); }
KTEST(gate_kernel_jump_contained) { expect_contained(HOSTILE_GATES + HOSTILE_KERNEL_JUMP, -E_DRIVER_FAULT); }
KTEST(gate_watchdog_unwinds_spinning_driver) { expect_contained(HOSTILE_GATES + HOSTILE_SPIN, -E_WATCHDOG); }

KTEST(gate_restart_resets_state_keeps_gates)
{
	struct driver *d = driver_find("hostile");
	unsigned slot = d->slot;
	i64 a = kcall(HOSTILE_GATES + HOSTILE_COUNT);
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_COUNT), a + 1);
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_UD), -E_DRIVER_FAULT);
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_COUNT), 1); /* state reset */
	KT_EXPECT_EQ(d->slot, slot);
	KT_EXPECT(!d->dead);
}

KTEST(gate_refuse_policy_kills_driver)
{
	struct driver *d = driver_find("fragile");
	KT_EXPECT(d != NULL);
	KT_EXPECT_EQ(kcall(FRAGILE_GATES + HOSTILE_COUNT), 1);
	KT_EXPECT_EQ(gtest(GTEST_CALL, FRAGILE_GATES + HOSTILE_PF), -E_DRIVER_FAULT);
	KT_EXPECT(d->dead);
	KT_EXPECT_EQ(gtest(GTEST_CALL, FRAGILE_GATES + HOSTILE_COUNT), -E_DEAD);
	KT_EXPECT_EQ(kcall(FRAGILE_GATES + HOSTILE_COUNT), -E_DEAD);
}

KTEST(gate_leaks_nothing_over_many_calls)
{
	unsigned drivers = driver_count();
	for (int i = 0; i < 50; i++)
		KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 21);
	for (int i = 0; i < 3; i++)
		KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_PF), -E_DRIVER_FAULT);
	KT_EXPECT_EQ(driver_count(), drivers);
}

/* Load and unload a copy of null's image in a fresh slot: nothing stays. */
KTEST(gate_leaks_nothing_over_load_unload)
{
	const void *image;
	size_t size;
	struct driver *d;
	KT_EXPECT(module_find("null", &image, &size));
	for (int i = 0; i < 5; i++) {
		int err = driver_load("null2", image, size, &(struct driver_options){.gate_base = 220}, &d);
		KT_EXPECT_EQ(err, 0);
		if (err)
			return;
		KT_EXPECT_EQ(kcall(220 + NULL_ADD), 21);
		const u64 forty[6] = {40};
		KT_EXPECT_EQ(gate_call_kernel(220 + NULL_TOUCH, forty), 40);
		KT_EXPECT_EQ(d->heap_pages, 40); /* its heap, in selector +1 */
		driver_unload(d);
		KT_EXPECT_EQ(kcall(220 + NULL_ADD), -E_NOGATE);
	}
}

KTEST(gate_counters_per_round_trip)
{
	i64 packed = gtest(GTEST_COUNTERS, 0);
	u64 cr3 = packed & 0xff, invlpg = (packed >> 8) & 0xff;
	u64 invpcid = (packed >> 16) & 0xff, pml4e = (packed >> 24) & 0xff;
	kprintf("    # %s: cr3 %lu invlpg %lu invpcid %lu pml4e %lu per round trip\n",
		FLUSH_NAME, cr3, invlpg, invpcid, pml4e);
	KT_EXPECT_EQ(packed >> 32, 1); /* one gate call */
	KT_EXPECT_EQ(pml4e, 4);        /* hide app, show null, and back */
	KT_EXPECT_EQ(invpcid, 0);      /* both views keep their PCIDs */
	if (FLUSH_IS(INVLPG)) {
		/* Both views fit under the ceiling: one INVLPG per page the
		 * outgoing view has, no CR3 write at all. */
		KT_EXPECT_EQ(cr3, 0);
		KT_EXPECT(invlpg >= 2);
	} else {
		KT_EXPECT_EQ(cr3, 2); /* one a way: reload, or a PCID switch */
		KT_EXPECT_EQ(invlpg, 0);
	}
}

KTEST(gate_pcids_released_with_views)
{
	struct slot_cpu *c = &this_cpu()->slots;
	if (!flush_uses_pcid()) {
		ktest_skip("this build's strategy uses no PCIDs");
		return;
	}
	/* Every application run is a view with its own PCID; once it is
	 * gone only the drivers' views may still own one. */
	for (int i = 0; i < 20; i++)
		KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
	KT_EXPECT(pcid_owned(c) <= 2 * driver_count()); /* two roots each */
}

KTEST(gate_cr3_mode_baseline)
{
	/* The same null image in CR3 mode: a call loads its own PML4 into
	 * CR3 instead of swapping a slot; everything else is the gate. */
	const void *image;
	size_t size;
	struct driver *d = NULL;
	KT_EXPECT(module_find("null", &image, &size));
	int err = driver_load("nullc", image, size,
			      &(struct driver_options){.gate_base = 230,
						       .mode = DRIVER_CR3}, &d);
	KT_EXPECT_EQ(err, 0);
	if (err)
		return;
	struct slot_counters before = this_cpu()->slots.counters;
	KT_EXPECT_EQ(kcall(230 + NULL_ADD), 21);
	struct slot_counters after = this_cpu()->slots.counters;
	KT_EXPECT_EQ(after.pml4e_writes - before.pml4e_writes, 0); /* no slot swap */
	KT_EXPECT_EQ(after.cr3_writes - before.cr3_writes, 2);     /* in and out */
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	/* Isolated all the same: the kernel's pages and a fault. */
	const u64 kernel[6] = {0xffffffff80100000ull};
	KT_EXPECT_EQ(gate_call_kernel(230 + NULL_PEEK, kernel), -E_DRIVER_FAULT);
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	KT_EXPECT_EQ(gtest(GTEST_CALL, 230 + NULL_ADD), 21);
	KT_EXPECT(this_cpu()->thread->own == NULL);
	driver_unload(d);
}

KTEST(gate_driver_cannot_end_or_block_borrowed_thread)
{
	/* A driver runs on its caller's thread: exiting it or turning it into
	 * an IPC server is refused, from an application's call and from the
	 * kernel's (where there is no application to exit at all). */
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_EXIT), -E_PERM);
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_EXIT), -E_PERM);
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_IPC), -E_PERM);
}

KTEST(gate_driver_passes_its_own_pages_to_itself)
{
	/* Its own whole pages, mapped into its own window: they are pinned in
	 * the view the window lives in, which must not stop the window from
	 * closing. */
	KT_EXPECT_EQ(kcall(HOSTILE_GATES + HOSTILE_SELF_BUF), 8192);
	KT_EXPECT_EQ(gtest(GTEST_CALL, HOSTILE_GATES + HOSTILE_SELF_BUF), 8192);
	KT_EXPECT_EQ(this_cpu()->thread->gate_depth, 0);
}
