/*
 * gates.h - the gate numbers of the drivers in this tree.  Each driver's
 * module line in boot/grub-*.cfg gives it its first number (gates=N); the
 * offsets are the driver's own (see each driver's header comment).
 */
#ifndef SLOTGATE_GATES_H
#define SLOTGATE_GATES_H

#define NULL_GATES 16    /* drivers/null */
#define NEST_GATES 32    /* drivers/nest */
#define HOSTILE_GATES 48 /* drivers/hostile, policy restart */
#define ECHO_GATES 96    /* drivers/echo: one gate per pointer class */
#define UART_GATES 112   /* drivers/uart: COM2 at ring 3 */
#define ECHOT_GATES 128  /* drivers/echo again, loaded trusted */
#define NULLT_GATES 144  /* drivers/null again, loaded trusted (bench) */
#define NULLC_GATES 160  /* drivers/null again, in CR3 mode (bench) */
#define RAMFST_GATES 176 /* drivers/ramfs again, trusted (bench) */
#define RAMFSC_GATES 192 /* drivers/ramfs again, in CR3 mode (bench) */
#define NULLA_GATES 256  /* drivers/null again, all-mapped mode (bench) */
#define ECHOA_GATES 272  /* drivers/echo again, all-mapped mode */
#define CHAOS_GATES 288  /* drivers/chaos: 32 numbers (slotgate/chaos.h) */
#define FRAGILE_GATES 400 /* drivers/hostile again, policy refuse */
/* The driver-count sweep's copies of null: copy i at CLONE_GATES + 8 i. */
#define CLONE_GATES 1024
#define CLONE_STRIDE 8

enum null_gate { NULL_ADD, NULL_TOUCH, NULL_PEEK, NULL_PAGE, NULL_KERNEL_ONLY, NULL_MEET };
enum nest_gate { NEST_DOWN, NEST_KERNEL_ONLY, NEST_PEEK, NEST_SUM_VIA_ECHO, NEST_ECHO_OWN };
enum echo_gate {
	ECHO_STRLEN, ECHO_SUM, ECHO_FILL, ECHO_UPCASE, ECHO_TWO, ECHO_BESIDE,
	ECHO_WHERE, ECHO_PEEK, ECHO_READ_INTO, ECHO_TAKE,
};
enum hostile_gate {
	HOSTILE_PF, HOSTILE_GP, HOSTILE_UD, HOSTILE_DE, HOSTILE_STACK,
	HOSTILE_KERNEL_JUMP, HOSTILE_SPIN, HOSTILE_COUNT, HOSTILE_UART_PORT,
	HOSTILE_EXIT, HOSTILE_IPC, HOSTILE_TAKE, HOSTILE_SELF_BUF, HOSTILE_AC_TRAP,
	HOSTILE_HEAP_HOG, HOSTILE_GATE_FLOOD, HOSTILE_PASS_DOWN,
	HOSTILE_GATE_COUNT /* 17 of the 32 numbers before ramfs's (80) */
};
enum uart_gate { UART_WRITE, UART_ECHO };

#endif
