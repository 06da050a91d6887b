/*
 * test_traps.c - every exception class is caught and reported, and the
 * protection bits (W, NX, SMEP, SMAP) are really enforced.
 */
#include "arch/x86.h"
#include "cpu.h"
#include "errno.h"
#include "gate.h"
#include "kernel.h"
#include "ktest.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "smp.h"
#include "trap.h"
#include "view.h"
#include "vm.h"
#include "slotgate/gates.h"

#define UNMAPPED_KERNEL_ADDR 0xffffc7ffdeadb000ull
#define TEST_USER_ADDR 0x0000004000000000ull /* slot 0, never used by apps */

static void read_at(void *p) { (void)*(volatile u64 *)p; }
static void write_at(void *p) { *(volatile u64 *)p = 1; }
static void call_at(void *p) { ((void (*)(void))p)(); }
static void do_ud(void *p) { (void)p; __asm__ volatile("ud2"); }
static void do_int3(void *p) { (void)p; __asm__ volatile("int3"); }

static void do_divide_by_zero(void *p)
{
	u64 zero = *(volatile u64 *)p;
	__asm__ volatile("xor %%edx, %%edx; mov $1, %%eax; divq %0" ::"r"(zero)
			 : "rax", "rdx");
}

KTEST(trap_page_fault_reported)
{
	struct fault_info f;
	KT_EXPECT_EQ(trap_catch(read_at, (void *)UNMAPPED_KERNEL_ADDR, &f), VEC_PF);
	KT_EXPECT_EQ(f.cr2, UNMAPPED_KERNEL_ADDR);
	KT_EXPECT_EQ(f.error, 0); /* not present, read, supervisor */
}

KTEST(trap_general_protection_reported)
{
	struct fault_info f;
	/* A non-canonical address raises #GP, not #PF (SDM 3A §6.15). */
	KT_EXPECT_EQ(trap_catch(read_at, (void *)0x8000000000000000ull, &f), VEC_GP);
	KT_EXPECT_EQ(f.error, 0);
}

KTEST(trap_invalid_opcode_reported)
{
	struct fault_info f;
	KT_EXPECT_EQ(trap_catch(do_ud, NULL, &f), VEC_UD);
}

KTEST(trap_divide_error_reported)
{
	struct fault_info f;
	u64 zero = 0;
	KT_EXPECT_EQ(trap_catch(do_divide_by_zero, &zero, &f), VEC_DE);
}

KTEST(trap_breakpoint_reported)
{
	struct fault_info f;
	KT_EXPECT_EQ(trap_catch(do_int3, NULL, &f), VEC_BP);
}

KTEST(trap_no_fault_returns_minus_one)
{
	struct fault_info f;
	u64 x = 5;
	KT_EXPECT_EQ(trap_catch(read_at, &x, &f), -1);
}

KTEST(kernel_text_is_read_only)
{
	struct fault_info f;
	/* CR0.WP makes ring 0 honour R/W too (SDM 3A §4.6.1). */
	KT_EXPECT_EQ(trap_catch(write_at, (void *)(u64)read_at, &f), VEC_PF);
	KT_EXPECT_EQ(f.error, PF_P | PF_W);
}

KTEST(nx_enforced)
{
	struct fault_info f;
	if (!cpu_features.nx) {
		ktest_skip("CPU has no NX");
		return;
	}
	u64 frame = pmm_alloc();
	u8 *code = phys_to_virt(frame); /* direct map: NX */
	code[0] = 0xc3;                 /* ret */
	KT_EXPECT_EQ(trap_catch(call_at, code, &f), VEC_PF);
	KT_EXPECT_EQ(f.error & (PF_I | PF_P), PF_I | PF_P);
	pmm_free(frame);
}

static struct view test_view;

/* Show a view holding one user page at TEST_USER_ADDR on this CPU. */
static u64 map_user_page(u64 flags)
{
	u64 frame = pmm_alloc();
	BUG_ON(view_init(&test_view, APP_SLOT) != 0);
	BUG_ON(view_map(&test_view, TEST_USER_ADDR, frame, VM_USER | flags) != 0);
	view_switch(&this_cpu()->slots, &test_view);
	return frame;
}

static void unmap_user_page(void)
{
	view_switch(&this_cpu()->slots, NULL);
	view_destroy(&this_cpu()->slots, &test_view, pmm_free);
}

KTEST(smep_enforced)
{
	struct fault_info f;
	if (!cpu_features.smep) {
		ktest_skip("CPU has no SMEP");
		return;
	}
	u64 frame = map_user_page(0);
	*(u8 *)phys_to_virt(frame) = 0xc3; /* ret, in a user page */
	KT_EXPECT_EQ(trap_catch(call_at, (void *)TEST_USER_ADDR, &f), VEC_PF);
	KT_EXPECT_EQ(f.error & (PF_I | PF_P | PF_U), PF_I | PF_P);
	unmap_user_page();
}

KTEST(smap_enforced)
{
	struct fault_info f;
	if (!cpu_features.smap) {
		ktest_skip("CPU has no SMAP");
		return;
	}
	map_user_page(VM_WRITE | VM_NX);
	KT_EXPECT_EQ(trap_catch(read_at, (void *)TEST_USER_ADDR, &f), VEC_PF);
	KT_EXPECT_EQ(f.error & (PF_P | PF_U), PF_P);
	KT_EXPECT_EQ(f.cr2, TEST_USER_ADDR);
	/* ... and the same read with RFLAGS.AC set goes through. */
	u64 value;
	KT_EXPECT_EQ(ktest_read_user(TEST_USER_ADDR, &value, &f), -1); /* with AC set */
	unmap_user_page();
}

/* Traps from ring 3 with RFLAGS.AC set, and handlers that ran with it
 * still set, on every CPU (a thread in a driver may move). */
static void ac_counts(u64 *traps, u64 *open)
{
	*traps = *open = 0;
	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		*traps += smp_cpu(i)->counters.user_ac_traps;
		*open += smp_cpu(i)->counters.handler_ac_open;
	}
}

/* A driver sets RFLAGS.AC and traps with it set, by each exception kind
 * and by timer interrupts (spinning until the watchdog).  Delivery keeps
 * AC (SDM 3A §6.12.1): unless trap entry clears it, every handler - and
 * the kernel code the gate's unwind resumes - runs with SMAP open. */
KTEST(traps_clear_ac)
{
	static const i64 expect[] = {
		-E_DRIVER_FAULT, -E_DRIVER_FAULT, -E_DRIVER_FAULT,
		-E_DRIVER_FAULT, -E_DRIVER_FAULT, -E_WATCHDOG,
	};
	struct fault_info f;
	if (!cpu_features.smap) {
		ktest_skip("CPU has no SMAP");
		return;
	}
	for (u64 kind = 0; kind < ARRAY_SIZE(expect); kind++) {
		const u64 args[6] = {kind};
		u64 traps0, open0, traps, open;
		ac_counts(&traps0, &open0);
		KT_EXPECT_EQ(gate_call_kernel(HOSTILE_GATES + HOSTILE_AC_TRAP, args),
			     expect[kind]);
		KT_EXPECT_EQ(read_rflags() & RFLAGS_AC, 0); /* the unwind's too */
		ac_counts(&traps, &open);
		KT_EXPECT(traps > traps0); /* the driver did trap with AC set */
		KT_EXPECT_EQ(open, open0);
	}
	/* ... and SMAP still stops a kernel read outside a STAC window. */
	map_user_page(VM_WRITE | VM_NX);
	KT_EXPECT_EQ(trap_catch(read_at, (void *)TEST_USER_ADDR, &f), VEC_PF);
	unmap_user_page();
}
