/*
 * abi.h - the system call numbers and error codes ring 3 sees.
 *
 * Shared by the kernel and every ring-3 image.  A call returns a value
 * >= 0 or a negated error code (kernel/errno.h holds the names).
 */
#ifndef SLOTGATE_ABI_H
#define SLOTGATE_ABI_H

#include "errors.h"

enum sys_number {
	SYS_EXIT = 0,         /* (code): end the program */
	SYS_WRITE = 1,        /* (ptr, len): write bytes to the console */
	SYS_NULL = 2,         /* (): return 0 at once, the crossing floor */
	SYS_TEST_ARGS = 3,    /* (a..f): return a + 2b + 3c + 4d + 5e + 6f */
	SYS_BENCH_RESULT = 4, /* (name, samples, count, param): hand samples in */
	SYS_GATE_REGISTER = 5,/* (number, handler, class, callers): drivers only */
	SYS_GATE_RETURN = 6,  /* (result): leave the gate the driver runs in */
	SYS_COUNTERS = 7,     /* (struct sys_counters *): this CPU's counters */
	SYS_HEAP_GROW = 8,    /* (pages): drivers only; address of the new pages */
	SYS_COUNT
};

/* A gate call is a SYSCALL with RAX = GATE_SYSCALL_BASE + gate number and
 * up to six arguments in RDI, RSI, RDX, R10, R8, R9 (docs/gate-abi.md). */
#define GATE_SYSCALL_BASE 0x100
#define GATE_SYSCALL_SPAN 0x10000 /* numbers past GATE_MAX get E_NOGATE */
#define GATE_MAX 256

/* Who may call a gate (SYS_GATE_REGISTER's callers mask). */
#define GATE_FROM_APP 1u
#define GATE_FROM_DRIVER 2u
#define GATE_FROM_KERNEL 4u

/* Pointer-passing classes: the column exists; only NONE so far. */
#define PTR_NONE 0u

/* SYS_COUNTERS fills this: per-CPU work counted by the kernel. */
struct sys_counters {
	unsigned long syscalls;
	unsigned long gate_calls;
	unsigned long cr3_writes;
	unsigned long invlpgs;
	unsigned long invpcids;
	unsigned long pml4e_writes;
};

#endif
