/*
 * kernel.h - panics, assertions and leaving the emulator.
 *
 * Three levels of checks (STYLE.md): BUG_ON()/panic() for broken kernel
 * invariants, ASSERT() for checks only debug builds pay for (still
 * type-checked in every build), and error codes (errno.h) for anything an
 * application or a driver can cause.  Nothing a ring-3 program does may
 * reach panic().
 */
#ifndef SLOTGATE_KERNEL_H
#define SLOTGATE_KERNEL_H

#include "types.h"

#ifndef SLOTGATE_DEBUG
#define SLOTGATE_DEBUG 1
#endif

struct trap_frame;

/* Print file:line, the reason and the registers, then exit with failure. */
__attribute__((noreturn, format(printf, 3, 4))) void
panic_at(const char *file, int line, const char *fmt, ...);
/* As panic, for a fault the kernel cannot survive: prints the frame. */
__attribute__((noreturn)) void panic_frame(const struct trap_frame *f,
					   const char *why);

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (cond)                                                      \
			panic("BUG_ON(%s)", #cond);                            \
	} while (0)
#define ASSERT(cond)                                                           \
	do {                                                                   \
		if (SLOTGATE_DEBUG && !(cond))                                 \
			panic("ASSERT(%s) failed", #cond);                     \
	} while (0)

enum exit_status { EXIT_SUCCESS_ = 0, EXIT_FAILURE_ = 1 };

/*
 * Leave the emulator: print "slotgate: exit N", drain the UART, then
 * QEMU's isa-debug-exit (port 0xf4) and Bochs's shutdown port (0x8900);
 * on real hardware, halt.
 */
__attribute__((noreturn)) void machine_exit(enum exit_status status);

#endif
