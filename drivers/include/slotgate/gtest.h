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
	GTEST_IPCFS_ROUND,     /* files through ipcfs over long IPC: write,
				  read back, compare, delete; 0 or -step */
	GTEST_IPC_LONG_BAD,    /* exit with the result of long-IPC case param
				  (enum gtest_ipc_case) */
	GTEST_STRLEN,          /* exit with echo.strlen("a pointer gate"): 14 */
	GTEST_MEET_AT,         /* exit with meet(2) of the copy of null whose
				  first gate is param */
	GTEST_NEST_VIA_ECHO,   /* exit with nest.echo_own(): a register-only
				  gate whose driver calls a pointer gate (14) */
	GTEST_IPC_DIE,         /* exit with ipc_call(IPCSERVER_DIE, ...): the
				  short server faults while serving */
	GTEST_PIN,             /* pin itself to CPU param (SYS_THREAD_PIN),
				  make a null gate call, exit with the pin's
				  answer, or -1000 - 21 + the gate's */
	GTEST_HEAP_HOG,        /* grow its heap by param pages at once, then
				  one page at a time until refused (writing
				  each): exit with pages << 16 | the first
				  call's code << 8 | the last refusal's code
				  (codes positive, 0 = success) */
};

/* GTEST_IPC_LONG_BAD's cases: one bad input each, and what the kernel
 * test expects back is in tests/kernel/test_ipc.c. */
enum gtest_ipc_case {
	IPCB_PLAIN,            /* a good call (stat "/" with no room: -E_RANGE
				  from ipcfs) */
	IPCB_SEND_NULL,        /* data at NULL, 8 bytes */
	IPCB_STR_KERNEL,       /* the string in the kernel half */
	IPCB_STR_NONCANONICAL, /* the string at a non-canonical address */
	IPCB_STR_UNMAPPED,     /* the string at an unmapped address */
	IPCB_STR_INTO_HOLE,    /* the string runs into an unmapped page */
	IPCB_STR_UNTERMINATED, /* no NUL within IPC_STR_MAX */
	IPCB_SEND_OTHER_SLOT,  /* data in slot 1 */
	IPCB_SEND_INTO_HOLE,   /* data running into an unmapped page */
	IPCB_SEND_TOO_LONG,    /* data over IPC_BUF_MAX */
	IPCB_OVER_AREA,        /* data one byte over the server's area */
	IPCB_RECV_READONLY,    /* a receive buffer in the code */
	IPCB_RECV_KERNEL,      /* a receive buffer in the kernel half */
	IPCB_BAD_REPLY,        /* the server replies from a kernel address */
	IPCB_LONG_REPLY,       /* the server replies more than the room */
	IPCB_BAD_AREA,         /* the server waits once with a bad area */
	IPCB_LAST_ERROR,       /* what the server's reply_wait last refused */
	IPCB_SHORT_CALL,       /* a short call (to a long server) */
	IPCB_SERVER_GATE,      /* the server passes the string it got (17
				  characters) to echo.strlen: the answer */
	IPCB_SERVER_GATE_TRUSTED,   /* the same into echot (trusted) */
	IPCB_SERVER_GATE_ALLMAPPED, /* the same into echoa (all-mapped) */
	IPCB_SERVER_DIES,      /* the server faults while serving the call */
	IPCB_SERVER_GATE_NULL, /* the server calls null.add(1..6): 21 */
};

#endif
