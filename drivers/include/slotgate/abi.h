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
	SYS_BENCH_RESULT = 4, /* (name, samples, count, param, calls): samples in */
	SYS_GATE_REGISTER = 5,/* (number, handler, class, callers): drivers only */
	/* 6 was the return gate; it moved to SYS_GATE_RETURN below */
	SYS_COUNTERS = 7,     /* (struct sys_counters *, 0): this CPU's counters;
				 (struct sys_leaks *, SYS_COUNTERS_LEAKS):
				 the leak counters */
	SYS_HEAP_GROW = 8,    /* (pages): grow this program's heap; the new pages */
	SYS_BENCH_SET = 9,    /* (knob, value): the bench program's knobs */
	/* 10 and 11 were the short IPC calls: now SYS_IPC_CALL and
	 * SYS_IPC_REPLY_WAIT below */
	/* Long IPC, with string and buffer items copied by the kernel
	 * (kernel/ipc.h, docs/design.md "Long IPC"): */
	SYS_IPC_CALL_LONG = 12, /* (label, str, send, send_len, recv, recv_cap):
				   the server's result */
	SYS_IPC_REPLY_WAIT_LONG = 13, /* (result, reply, reply_len, area,
					 area_size): reply, wait; message:
					 a0 label, a1 string length or -1,
					 a2 data length, a3 reply capacity */
	SYS_THREAD_PIN = 14,  /* (cpu): run this thread on CPU cpu (0..N-1)
				 from its next switch, or, with -1, let an
				 idle CPU take it; the CPU, or an error */
	SYS_NMI_TEST = 15,    /* (op): mode=nmitest only (kernel/nmitest.c):
				 0 NMIs taken in ring 3 so far, 1 spin in the
				 kernel, 2 spin there with the user's GS live,
				 each until NMI_TEST_WANT NMIs land there;
				 3 as 2, for a machine check */
	SYS_COUNT             /* the plain calls are 0 .. SYS_COUNT - 1 */
};

/* (result): leave the gate the driver runs in.  Numbered apart from the
 * plain calls, just below the gates, so the SYSCALL entry sorts every
 * call with one compare (stubs/syscall.asm): below SYS_COUNT a plain
 * call, above it the return gate, the short IPC calls and the gates. */
#define SYS_GATE_RETURN 0xff
/* The short IPC calls (kernel/ipc.h), numbered there too: the entry saves
 * every register for them, so a waiting thread can go back to ring 3
 * straight from its saved registers (the IPC fast path). */
#define SYS_IPC_CALL 0xfd       /* (a..f): call the IPC server; its reply */
#define SYS_IPC_REPLY_WAIT 0xfe /* (result): reply, wait; message in a0..a5 */

/* A gate call is a SYSCALL with RAX = GATE_SYSCALL_BASE + gate number and
 * up to six arguments in RDI, RSI, RDX, R10, R8, R9 (docs/gate-abi.md). */
#define GATE_SYSCALL_BASE 0x100
#define GATE_SYSCALL_SPAN 0x10000 /* numbers past GATE_MAX get E_NOGATE;
				     RAX past the span E_NOSYS */
#define GATE_MAX 4096 /* room for a driver per slot, a few gates each */

/* Who may call a gate (SYS_GATE_REGISTER's callers mask). */
#define GATE_FROM_APP 1u
#define GATE_FROM_DRIVER 2u
#define GATE_FROM_KERNEL 4u

/*
 * Pointer-passing classes: one global constant table in the kernel
 * (slots/ptrclass.c) says, for each, which argument registers carry
 * pointers and sizes.  The kernel validates the caller's pointers, maps
 * the caller's pages into a window of the driver's slot and rewrites the
 * registers to the window addresses (docs/gate-abi.md).  Arguments are
 * numbered a0..a5 (RDI, RSI, RDX, R10, R8, R9).
 */
enum ptr_class {
	PTR_NONE = 0,          /* no pointers */
	PTR_STR_IN = 1,        /* a0: NUL-terminated string, read */
	PTR_BUF_IN = 2,        /* a0: buffer, a1: its size; read */
	PTR_BUF_OUT = 3,       /* a0: buffer, a1: its size; written */
	PTR_BUF_INOUT = 4,     /* a0: buffer, a1: its size; read and written */
	PTR_HANDLE_BUF_IN = 5, /* a0: a handle; a1: buffer, a2: size; read */
	PTR_HANDLE_BUF_OUT = 6,/* a0: a handle; a1: buffer, a2: size; written */
	PTR_STR_BUF_IN = 7,    /* a0: string; a1: buffer, a2: size; both read */
	PTR_STR_BUF_OUT = 8,   /* a0: string, read; a1: buffer, a2: size, written */
	PTR_CLASS_COUNT
};

#define PTR_STR_MAX 4096         /* a string, NUL included */
#define PTR_BUF_MAX (16u << 20)  /* a buffer: 16 MiB */

/* Long IPC: a string item holds at most IPC_STR_MAX bytes, NUL included
 * (a ramfs path fits); it lands at the start of the server's receive
 * area, the data item at area + IPC_STR_MAX.  A data item or a reply
 * holds at most IPC_BUF_MAX bytes. */
#define IPC_STR_MAX 256
#define IPC_BUF_MAX PTR_BUF_MAX

/* SYS_COUNTERS fills this: per-CPU work counted by the kernel. */
struct sys_counters {
	unsigned long syscalls;
	unsigned long gate_calls;
	unsigned long cr3_writes;
	unsigned long invlpgs;
	unsigned long invpcids;
	unsigned long pml4e_writes;
};

/* SYS_COUNTERS with a1 = SYS_COUNTERS_LEAKS fills a struct sys_leaks
 * instead: the counters the kernel's test runner compares around every
 * case (kernel/ktest.c), so a ring-3 checker - the gate fuzzer,
 * drivers/apps/gfuzz.c - can hold the kernel to them between batches.
 * Global counts, but pcids (this CPU's pool).  Any other a1 is E_INVAL. */
#define SYS_COUNTERS_LEAKS 1
struct sys_leaks {
	unsigned long frames;        /* allocated, less those kept on purpose
					(heap classes, page tables, drivers'
					kept pages, heaps and stacks) */
	unsigned long heap_objects;  /* live kernel heap objects */
	unsigned long drivers;       /* loaded drivers (slots in use) */
	unsigned long threads;
	unsigned long window_pages;  /* pages mapped into gate windows now */
	unsigned long pinned_pages;  /* caller frames pinned by windows now */
	unsigned long driver_stacks; /* live (driver, thread) stacks */
	unsigned long pcids;         /* PCIDs this CPU's pool has a view for */
	unsigned long driver_heap;   /* pages of drivers' heaps: theirs until
					they restart or go (only grows) */
};

#endif
