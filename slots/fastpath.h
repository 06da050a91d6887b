/*
 * fastpath.h - the gate fast path: the common gate call, in one line.
 *
 * Every gate call from ring 3 (a SYSCALL numbered GATE_SYSCALL_BASE or
 * above) reaches stubs/fastpath.asm with the caller's struct
 * syscall_frame pushed, a struct gate_frame reserved right below it and
 * the caller's callee-saved registers already in the frame's ctx.  A call
 * the fast path can make whole goes straight into the driver (FASTPATH=1,
 * the default):
 *   - a registered gate with no pointer class (pointers need windows);
 *   - called by an application, or by the driver whose code runs now,
 *     as the gate's callers mask allows;
 *   - into a driver neither dead nor waiting for a restart;
 *   - by a thread on this CPU's PML4 (not an IPC server's or a CR3-mode
 *     driver's own address space), below GATE_MAX_DEPTH, with a stack in
 *     the driver already (the slow path maps it on the first entry).
 * Any other call goes to the slow path (gate.c) unchanged, through
 * gate_slow(), counted by why (enum fastpath_miss); FASTPATH=0 sends
 * every call there.  Calls from kernel code never come here.
 *
 * A fast-path frame is the slow path's struct gate_frame, recorded field
 * by field as enter() records it, so every unwinder - the return gate, a
 * fault, the watchdog, a restart, a thread's exit - treats both alike: it
 * resumes the frame's ctx.  A fast frame's ctx holds the caller's own
 * callee-saved registers and leads to fastpath_exit, which leaves the
 * frame with gate_leave() (gate_core.h), as the slow path does, and
 * returns to the caller from its syscall frame.  The swap is the build's
 * flush strategy, the same code as the slow path's.
 *
 * FASTPATH is a build constant (make FASTPATH=0|1), tested with a plain
 * `if` in C, so both paths are compiled in every build.
 */
#ifndef SLOTGATE_FASTPATH_H
#define SLOTGATE_FASTPATH_H

#include "gate.h"
#include "types.h"

struct driver;

#ifndef FASTPATH
#error "FASTPATH must be defined by the build (make FASTPATH=0|1)"
#endif

/* Why a gate call from ring 3 went to the slow path (per-CPU counters,
 * cpu->counters.fastpath_miss[]). */
enum fastpath_miss {
	FASTPATH_MISS_OFF,       /* built with FASTPATH=0 */
	FASTPATH_MISS_NO_GATE,   /* no such gate: the slow path refuses it */
	FASTPATH_MISS_POINTERS,  /* the gate has a pointer class: windows */
	FASTPATH_MISS_FORBIDDEN, /* this caller class may not call it */
	FASTPATH_MISS_DEAD,      /* the driver is dead (refuse policy) */
	FASTPATH_MISS_RESTART,   /* a restart is pending: it faulted while
				    another thread was inside */
	FASTPATH_MISS_OWN_SPACE, /* the caller runs on an address space of its
				    own (an IPC server, a CR3-mode driver) */
	FASTPATH_MISS_DEPTH,     /* the nesting limit is reached */
	FASTPATH_MISS_NO_STACK,  /* this thread's first entry: its stack in the
				    driver is mapped by the slow path */
	FASTPATH_MISS_COUNT
};

/* From stubs/fastpath.asm: the gate call whose syscall frame lies right
 * above @room goes to the slow path, for @why; its result. */
i64 gate_slow(struct gate_frame *room, enum fastpath_miss why);
/* From stubs/fastpath.asm, for a CR3-mode driver @d (the stub calls
 * view_switch() itself for a slot): gate_enter_own_space() into it, and
 * gate_leave_own_space() back. */
void fastpath_enter_own_space(struct driver *d);
void fastpath_leave_own_space(void);
/* From fastpath_exit, when the driver waits for a restart: the rest of
 * gate_leave() after the unlink. */
void fastpath_leave_unlinked(struct gate_frame *f);

const char *fastpath_miss_name(enum fastpath_miss why);

#endif
