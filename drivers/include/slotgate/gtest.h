/* gtest.h - actions of the ring-3 gate-test program, shared with the
 * kernel tests (tests/kernel/test_gates.c).  The kernel passes
 * action | (parameter << 8); the program exits with the value it checks. */
#ifndef SLOTGATE_GTEST_H
#define SLOTGATE_GTEST_H

enum gtest_action {
	GTEST_CALL = 1,        /* exit with gate(param)(1..6) */
	GTEST_PEEK_OWN_LOW,    /* null.peek(address in selector 0 of the app) */
	GTEST_PEEK_OWN_STACK,  /* null.peek(address on the app's stack) */
	GTEST_PEEK_KERNEL,     /* null.peek(a kernel address) */
	GTEST_PEEK_OTHER_SLOT, /* nest.peek(a page of null's slot) */
	GTEST_STALE_TO_DRIVER, /* touch own page, then null.peek(it) */
	GTEST_STALE_TO_APP,    /* null.page() (driver touches it), then read it */
	GTEST_NEST,            /* exit with nest.down(param) */
	GTEST_COUNTERS,        /* one null gate round trip: exit with the
				  counter deltas packed (see test_gates.c) */
	GTEST_MEET,            /* exit with null.meet(param) */
	GTEST_UART_PRINT,      /* print a line through the UART driver; exit
				  with what its loopback echo gave back right,
				  -E_NOSYS when the UART has no loopback */
	GTEST_UART_PORT,       /* touch COM2's ports itself: must be killed */
	GTEST_IPC,             /* exit with ipc_call(1..6) */
};

#endif
