/* utest.h - actions of the ring-3 test program, shared with the kernel. */
#ifndef SLOTGATE_UTEST_H
#define SLOTGATE_UTEST_H

enum utest_action {
	UTEST_ARGS = 1,           /* syscall with six arguments */
	UTEST_PRESERVED,          /* registers survive a syscall */
	UTEST_BAD_POINTERS,       /* bad pointers and numbers get errors */
	UTEST_NULL_DEREF,         /* #PF, killed */
	UTEST_KERNEL_READ,        /* #PF (protection), killed */
	UTEST_PRIVILEGED,         /* HLT in ring 3: #GP, killed */
	UTEST_UD,                 /* #UD, killed */
	UTEST_WRITE_TEXT,         /* write to its own code: #PF, killed */
	UTEST_STACK_OVERFLOW,     /* runs off its stack: #PF, killed */
	UTEST_NMI_RING3,          /* mode=nmitest: spin in ring 3 until
				     NMI_TEST_WANT NMIs landed there */
	UTEST_NMI_SYSCALL,        /* SYS_NMI_TEST op 1: spin in the kernel */
	UTEST_NMI_USER_GS,        /* op 2: ... with the user's GS live */
	UTEST_NMI_MCE,            /* op 3: ... waiting for a machine check */
};

/* NMIs each phase of mode=nmitest waits for (tests/check_nmi.py). */
#define NMI_TEST_WANT 3

#define UTEST_OK 0
#define UTEST_BAD 1

#endif
