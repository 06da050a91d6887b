/*
 * fastpath.h - the gate fast path: the common gate call, in one line.
 *
 * Every system call numbered above SYS_GATE_RETURN (a gate, or no call at
 * all) enters gate_syscall() from stubs/syscall.asm, with a
 * struct gate_frame reserved on the kernel stack right below the
 * caller's struct syscall_frame and the caller's callee-saved registers
 * already stored in the frame's ctx.  A call the fast path can make
 * whole - a register-only gate, called from ring 3 by an application or
 * a driver on this CPU's PML4, into a live driver whose stack for this
 * thread exists, below the nesting limit - goes straight into the driver
 * (FASTPATH=1, the default).  Everything else goes to the slow path
 * (gate.c) unchanged and is counted there by why (enum fastpath_miss).
 *
 * A fast-path frame is the slow path's struct gate_frame, so every
 * unwinder (the return gate, a fault, the watchdog) treats both alike:
 * it resumes the frame's ctx.  A fast frame's ctx holds the caller's own
 * callee-saved registers and leads to fastpath_exit (syscall.asm), which
 * calls fastpath_leave() - gate_leave(), as the slow path - and returns
 * to the caller through the SYSCALL exit.
 *
 * FASTPATH is a build constant (make FASTPATH=0|1), tested with a plain
 * `if`, so both paths are compiled in every build.
 */
#ifndef SLOTGATE_FASTPATH_H
#define SLOTGATE_FASTPATH_H

#include "gate.h"
#include "syscall.h"
#include "types.h"

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

/* The GATE_FRAME_SIZE the stub reserves (stubs/percpu.inc). */
#define FASTPATH_FRAME_SIZE 144

/* From stubs/syscall.asm: gate call @sf (nr > SYS_GATE_RETURN), with
 * room for a gate frame at @room.  Returns the call's result, unless the
 * fast path entered the driver (then the caller's SYSCALL returns through
 * fastpath_exit). */
i64 gate_syscall(struct gate_frame *room, struct syscall_frame *sf);
/* From fastpath_exit: leave fast frame @f (gate_leave); the stub then
 * returns f->result to the caller. */
void fastpath_leave(struct gate_frame *f);

const char *fastpath_miss_name(enum fastpath_miss why);

#endif
