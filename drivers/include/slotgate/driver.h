/*
 * driver.h - the driver API: everything a 64-bit driver builds against.
 *
 * A driver is a C file (or a few) defining driver_init(), which registers
 * the driver's gates, and the gate handlers: plain C functions taking up
 * to six integer arguments and returning a long.  The runtime
 * (drivers/lib/driver_entry.c) is entered by the kernel for every call,
 * calls the handler and leaves through the return gate.  See
 * docs/adding-a-driver.md.
 */
#ifndef SLOTGATE_DRIVER_API_H
#define SLOTGATE_DRIVER_API_H

#include "abi.h"
#include "sys.h"

typedef long (*gate_handler_t)(u64_t, u64_t, u64_t, u64_t, u64_t, u64_t);

/* Defined by the driver: register the gates; @gate_base is the first gate
 * number the kernel gave this driver (its module line's gates=N). */
long driver_init(u64_t gate_base);

static inline long gate_register(u64_t number, gate_handler_t handler,
				 unsigned ptr_class, unsigned callers)
{
	return syscall6(SYS_GATE_REGISTER, number, (u64_t)handler, ptr_class,
			callers, 0, 0);
}

/* Map @pages more zeroed pages at the end of this program's heap (a
 * driver's: its slot's selector +1; an application's: selector 1); the
 * address of the first, or a negative error. */
static inline long heap_grow(u64_t pages)
{
	return syscall6(SYS_HEAP_GROW, pages, 0, 0, 0, 0, 0);
}

/* Call gate @number (from an application or a driver). */
static inline long gate_call(u64_t number, u64_t a, u64_t b, u64_t c,
			     u64_t d, u64_t e, u64_t f)
{
	return syscall6((long)(GATE_SYSCALL_BASE + number), a, b, c, d, e, f);
}

#endif
