/*
 * nest.c - a driver that calls other gates (nested gates).
 *   +0 down(d)       d == 0: return null.add(1..6) (= 21); else down(d-1) + 1
 *                    (a gate call into itself); errors pass through
 *   +1 kernel_only() call null's kernel-only gate (allowed for drivers)
 *   +2 peek(addr)    read 8 bytes at addr in this driver's view
 *   +3 sum_via_echo(buf, n)   (buf_in) pass its own window on to echo's
 *                    sum gate: a nested buffer
 *   +4 echo_own()    (no pointers) echo.strlen of a string of its own: a
 *                    pointer gate called inside a register-only one
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

static long down(u64_t d, u64_t b, u64_t c, u64_t e, u64_t f, u64_t g)
{
	(void)b, (void)c, (void)e, (void)f, (void)g;
	long r = d == 0 ? gate_call(NULL_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6)
			: gate_call(NEST_GATES + NEST_DOWN, d - 1, 0, 0, 0, 0, 0);
	return r < 0 || d == 0 ? r : r + 1;
}

static long kernel_only(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return gate_call(NULL_GATES + NULL_KERNEL_ONLY, 0, 0, 0, 0, 0, 0);
}

static long peek(u64_t addr, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	return *(volatile long *)addr;
}

static long sum_via_echo(u64_t buf, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	return gate_call(ECHO_GATES + ECHO_SUM, buf, n, 0, 0, 0, 0);
}

static long echo_own(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return gate_call(ECHO_GATES + ECHO_STRLEN, (u64_t)"a pointer gate", 0, 0, 0, 0, 0);
}

long driver_init(u64_t base)
{
	const unsigned anyone = GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL;
	if (gate_register(base + NEST_DOWN, down, PTR_NONE, anyone) ||
	    gate_register(base + NEST_KERNEL_ONLY, kernel_only, PTR_NONE, anyone) ||
	    gate_register(base + NEST_PEEK, peek, PTR_NONE, anyone) ||
	    gate_register(base + NEST_SUM_VIA_ECHO, sum_via_echo, PTR_BUF_IN, anyone) ||
	    gate_register(base + NEST_ECHO_OWN, echo_own, PTR_NONE, anyone))
		return -1;
	return 0;
}
