/*
 * gate.h - gates: the only way into a driver.
 *
 * A gate is registered by its driver (entry number, handler, pointer
 * class, who may call) and called with a SYSCALL whose RAX is
 * GATE_SYSCALL_BASE + number (docs/gate-abi.md).  The call runs on the
 * calling thread (thread migration): the kernel records a gate frame on
 * the thread's kernel stack, swaps the slot (view_switch), and enters the
 * driver at ring 3 on the thread's stack in the driver's slot.  The
 * driver leaves through the return gate (SYS_GATE_RETURN), or by a fault
 * or the watchdog, which unwind the frame with an error.  Frames nest
 * (a driver may call another gate) up to GATE_MAX_DEPTH.
 *
 * This file's functions are the general (slow) path; the common case - a
 * register-only gate from ring 3 - takes the fast path (fastpath.h),
 * which records the same frame and is unwound the same way.
 */
#ifndef SLOTGATE_GATE_H
#define SLOTGATE_GATE_H

#include "ctx.h"
#include "slotgate/abi.h"
#include "trap.h"
#include "types.h"

#define GATE_MAX_DEPTH 8
/* Timer ticks (LAPIC_TIMER_HZ) a driver may run before the watchdog
 * unwinds its gate: 10 = 100 ms of its own running, counted by the ticks
 * that interrupt it (time preempted, on any CPU, is not counted).  A gate is a call, not a job: a driver
 * with long work returns and is called again.  (Under icount, where one
 * instruction is one emulated nanosecond, this is 10^8 instructions.) */
#define GATE_WATCHDOG_TICKS 10
/* The limit in force: GATE_WATCHDOG_TICKS, raised by tests whose driver
 * spins until a thread another CPU starts arrives (an emulator's CPUs
 * need not keep pace with its timer). */
extern u64 gate_watchdog_ticks;
/* Pointers refused at gate entry since boot, each logged on one line
 * unless gate_quiet_refusals is set (the gate fuzzer's cases set it while
 * they run: tens of thousands of refusals would flood the console). */
extern u64 gate_refusals;
extern bool gate_quiet_refusals;

struct driver;
struct view;

struct gate_frame {
	struct jmp_ctx ctx;          /* where the return gate resumes */
	struct gate_frame *prev;
	struct driver *driver;       /* the driver this gate entered */
	struct driver *caller;       /* calling driver, NULL for app/kernel */
	struct view *caller_view;
	u64 caller_cursor;           /* caller driver's stack cursor, restored */
	u64 saved_kstack_top;
	u64 ticks_inside;  /* timer ticks that interrupted the driver (watchdog) */
	i64 result;
	bool returned;               /* by the return gate, not an unwind */
	struct view *caller_own;     /* the thread's own space before the call */
};

enum gate_caller { GATE_CALLER_APP, GATE_CALLER_DRIVER, GATE_CALLER_KERNEL };

/* SYS_GATE_REGISTER from the driver running its init. */
i64 gate_register(u64 number, u64 handler, u64 ptr_class, u64 callers);
/* A gate call from ring 3 (app or driver): @user_rsp is the caller's RSP. */
i64 gate_call_user(u64 number, const u64 args[6], u64 user_rsp);
/* A gate call from kernel code. */
i64 gate_call_kernel(u64 number, const u64 args[6]);
/* The driver whose code runs now on this CPU, NULL for an application. */
struct driver *gate_running_driver(void);
/*
 * SYS_GATE_RETURN is stubs/syscall.asm's: it leaves the innermost gate
 * frame with the driver's result by resuming its ctx, whichever path
 * entered it.  That the caller is that frame's driver needs no check: ring
 * 3 runs the innermost frame's driver, or an application when there is no
 * frame - the kernel enters ring 3 only by driver_enter() (or the fast
 * path's copy of it) under a new frame, by user_enter() with none, and by
 * returning to what it interrupted or to a gate's caller, whose frame is
 * the innermost again.  With no frame the stub calls this: -E_PERM.
 */
i64 gate_return_refused(void);
/* Run @d's driver_init (handler 0) with its gate base; its result. */
i64 gate_run_init(struct driver *d);
void gate_unregister_all(struct driver *d);

/* From the trap path: a ring-3 exception or the watchdog hit a driver.
 * Returns false when the thread is not inside a driver; never returns
 * otherwise. */
bool gate_driver_fault(struct trap_frame *f, long error);
/* From the timer: unwind a driver that has run too long. */
void gate_watchdog(struct trap_frame *f);

#endif
