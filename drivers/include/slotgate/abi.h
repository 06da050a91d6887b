/*
 * abi.h - the system call numbers and error codes ring 3 sees.
 *
 * Shared by the kernel and every ring-3 image.  A call returns a value
 * >= 0 or a negated error code (kernel/errno.h holds the names).
 */
#ifndef SLOTGATE_ABI_H
#define SLOTGATE_ABI_H

enum sys_number {
	SYS_EXIT = 0,         /* (code): end the program */
	SYS_WRITE = 1,        /* (ptr, len): write bytes to the console */
	SYS_NULL = 2,         /* (): return 0 at once, the crossing floor */
	SYS_TEST_ARGS = 3,    /* (a..f): return a + 2b + 3c + 4d + 5e + 6f */
	SYS_BENCH_RESULT = 4, /* (name, samples, count): hand samples in */
	SYS_COUNT
};

#endif
