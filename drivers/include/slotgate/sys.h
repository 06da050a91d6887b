/*
 * sys.h - system call wrappers for ring-3 programs (no C library).
 *
 * An application is a C file with `long main(unsigned long arg)`; the
 * runtime (drivers/lib/start.c) calls it and passes its result to
 * sys_exit().  See docs/adding-a-program.md.
 */
#ifndef SLOTGATE_SYS_H
#define SLOTGATE_SYS_H

#include "abi.h"

typedef unsigned long u64_t;

static inline long syscall6(long nr, u64_t a, u64_t b, u64_t c, u64_t d,
			    u64_t e, u64_t f)
{
	long ret;
	register u64_t r10 __asm__("r10") = d;
	register u64_t r8 __asm__("r8") = e;
	register u64_t r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long sys_null(void) { return syscall6(SYS_NULL, 0, 0, 0, 0, 0, 0); }
static inline long sys_write(const void *p, u64_t n)
{
	return syscall6(SYS_WRITE, (u64_t)p, n, 0, 0, 0, 0);
}
__attribute__((noreturn)) static inline void sys_exit(long code)
{
	syscall6(SYS_EXIT, (u64_t)code, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

static inline u64_t str_len(const char *s)
{
	u64_t n = 0;
	while (s[n])
		n++;
	return n;
}

static inline long puts_(const char *s) { return sys_write(s, str_len(s)); }

long main(u64_t arg);

#endif
