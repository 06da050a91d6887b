/*
 * gate_core.h - what the two gate paths share: the gate table, making a
 * driver's memory reachable and back, and leaving a gate frame.
 *
 * A gate is entered by the slow path (gate.c: every case) or the fast path
 * (fastpath.c: the common case).  Both record the same struct gate_frame
 * (gate.h) and leave it through gate_leave() below, whatever ended the
 * call - the return gate, a fault, the watchdog - because every unwinder
 * resumes the frame's ctx, and each path's ctx leads here.  For gate.c and
 * fastpath.c only.
 */
#ifndef SLOTGATE_GATE_CORE_H
#define SLOTGATE_GATE_CORE_H

#include "driver.h"
#include "flush.h"
#include "gate.h"
#include "gate_table.h"
#include "percpu.h"
#include "view.h"

/* The kernel's gate table; struct gate and its rules are gate_table.h's. */
extern struct gate gates[GATE_MAX];

/* SYSRET into the driver runtime (stubs/gate.asm); never returns here. */
__attribute__((noreturn)) void driver_enter(u64 entry, u64 rsp, u64 handler,
					    const u64 args[6]);

/*
 * The driver whose code runs now on this CPU, if any.  Every caller is on
 * a path from ring 3 (a system call, a trap, the timer), where the
 * innermost frame's driver is the code that ran - shown as its slot, or
 * always shown (trusted, allmapped), or on its own CR3.
 */
static inline struct driver *gate_running_in(struct cpu *cpu)
{
	struct gate_frame *top = cpu->thread->gate_top;
	if (top && (top->driver->mode != DRIVER_SLOT ||
		    cpu->slots.current == &top->driver->view))
		return top->driver;
	return NULL;
}

/* A thread on this CPU's PML4 enters CR3-mode driver @d (the baseline):
 * @d's own PML4 into CR3, with its PCID where the build uses PCIDs,
 * recorded as the thread's own address space (t->own) so a switch to
 * another thread and back restores it (thread.c), and as this CPU's
 * (slots.own, by view_enter_own) so a shootdown of @d's pages reaches it
 * (view.h) - without that, a page unmapped from @d while it ran here
 * stayed cached here (found by tests/host/test_tlb_smp.c). */
static inline void gate_enter_own_space(struct cpu *cpu, struct driver *d)
{
	struct thread *t = cpu->thread;
	t->own = &d->view;
	/* Flushed (if it had to be) by this load, NOFLUSH from then on. */
	t->cr3 = view_enter_own(&cpu->slots, t->own);
}

/* ... and leaves it for this CPU's PML4, which still shows its view. */
static inline void gate_leave_own_space(struct cpu *cpu)
{
	slot_cpu_reload(&cpu->slots);
	cpu->thread->own = NULL;
}

/* The general cases of the two below, out of line (gate.c): a thread on
 * an address space of its own, a driver in CR3 mode. */
void gate_switch_into_general(struct cpu *cpu, struct driver *d);
void gate_switch_back_general(struct cpu *cpu, struct gate_frame *f);

/*
 * Make @d's memory reachable on this CPU, the way its mode says: swap its
 * slot in (the gate), nothing (trusted, allmapped: always shown), or load
 * its own PML4 into CR3 (the baseline).  Inline for the common case, a
 * thread on this CPU's PML4, whose swap is then a tail call.
 */
static inline void gate_switch_into(struct cpu *cpu, struct driver *d)
{
	if (__builtin_expect(!cpu->thread->own, 1)) {
		if (d->mode == DRIVER_SLOT)
			return view_switch(&cpu->slots, &d->view);
		if (driver_always_shown(d->mode))
			return;
		return gate_enter_own_space(cpu, d);
	}
	gate_switch_into_general(cpu, d);
}

/* The caller's memory again, as frame @f recorded it: inline when the
 * caller ran on this CPU's PML4, which still shows its view unless a slot
 * was swapped in. */
static inline void gate_switch_back(struct cpu *cpu, struct gate_frame *f)
{
	if (__builtin_expect(!f->caller_own, 1)) {
		if (cpu->thread->own) /* a CR3-mode driver's own PML4 */
			gate_leave_own_space(cpu);
		return view_switch(&cpu->slots, f->caller_view);
	}
	gate_switch_back_general(cpu, f);
}

/* Take frame @f, the innermost, off this thread: the caller's kernel
 * stack and stack cursor come back. */
static inline void gate_unlink(struct cpu *cpu, struct gate_frame *f)
{
	struct thread *t = cpu->thread;

	cpu_set_kernel_stack(cpu, f->saved_kstack_top);
	t->gate_top = f->prev;
	t->gate_depth--;
	f->driver->active--;
	if (f->caller)
		f->caller->stack_cursor[t->id] = f->caller_cursor;
}

/* A driver that faulted is reloaded once no thread is inside it - after
 * the caller's memory is back, as its view must not be shown then. */
static __attribute__((noinline, cold)) void gate_leave_restart(struct cpu *cpu,
							      struct gate_frame *f)
{
	struct driver *d = f->driver;
	gate_switch_back(cpu, f);
	if (!d->active)
		driver_restart(d);
}

/* The rest of leaving @f, once gate_unlink() took it off the thread:
 * the caller's memory comes back, last, so in the common case the swap
 * is a tail call. */
static inline void gate_leave_unlinked(struct cpu *cpu, struct gate_frame *f)
{
	if (__builtin_expect(f->driver->restart_pending, 0))
		return gate_leave_restart(cpu, f);
	gate_switch_back(cpu, f);
}

/*
 * Leave frame @f, the innermost of this thread, whichever path entered it
 * and whatever ended the call (f->result is set, and stays for the caller
 * to read).  stubs/fastpath.asm does the same for its frames, the common
 * case in line and gate_leave_unlinked() for the rest.
 */
static inline void gate_leave(struct cpu *cpu, struct gate_frame *f)
{
	gate_unlink(cpu, f);
	gate_leave_unlinked(cpu, f);
}

#endif
