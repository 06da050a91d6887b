/*
 * bkl.h - the big kernel lock: what makes the one-CPU kernel safe on
 * several (issue 13, docs/smp.md).
 *
 * Invariant: a CPU holds the BKL whenever it runs kernel code, except
 *   - in kernel_wait() (halted, waiting for an interrupt),
 *   - while it spins for the lock, and
 *   - in the cross-call and wake-up IPI handlers (smp.h), which touch
 *     nothing but their own CPU's state and the call box.
 * It takes the lock on every entry from ring 3 (the SYSCALL entry, in
 * line: stubs/bkl.inc; a trap or interrupt: trap_dispatch) and drops it
 * on every return to ring 3.  Kernel code keeps running with IF = 0 as
 * before (thread.h), so nothing in the kernel needs a lock of its own:
 * run queues, allocators, drivers, views and IPC are used by one CPU at
 * a time.  Ring 3 - applications and drivers - runs in parallel.
 *
 * A CPU spinning for the lock serves cross-calls meanwhile (it spins
 * with IF = 0), so a holder waiting for a cross-call never deadlocks.
 * One word, one owner at a time; a per-CPU flag (cpu->bkl_held) makes
 * bkl_acquire() idempotent, for interrupts that arrive in kernel_wait().
 */
#ifndef SLOTGATE_BKL_H
#define SLOTGATE_BKL_H

#include "types.h"

extern volatile u32 bkl_word; /* 0 free, 1 held */

/* Take the lock unless this CPU holds it (IF must be 0). */
void bkl_acquire(void);
/* Drop it if this CPU holds it. */
void bkl_release(void);
bool bkl_held(void);
/* The contended path of the stubs' BKL_TAKE: spin, serving cross-calls,
 * until the lock is this CPU's. */
void bkl_wait(void);

/* Wait for an interrupt: drop the lock, STI; HLT, CLI, take it again. */
void kernel_wait(void);
/* Let the other CPUs into the kernel for a moment, without halting (for
 * a wait that no interrupt ends): drop the lock, spin serving
 * cross-calls, take it again. */
void bkl_pause(void);

#endif
