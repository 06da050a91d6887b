/*
 * nmitest.h - mode=nmitest: NMIs sent from outside (QEMU's monitor, by
 * tests/check_nmi.py) while a program spins in ring 3, while a thread
 * spins inside a system call, and while ring 0 runs with the user's GS
 * live - the window between SYSCALL and SWAPGS, held open on purpose.
 * Each phase prints "nmi: ready NAME", waits (bounded) for NMI_TEST_WANT
 * NMIs counted in its state by the paranoid entry, and prints a KTAP
 * line.  Last, "nmi: ready mce on cpu N" and the same window held open
 * for a machine check (QEMU's monitor `mce`), which machine_check()
 * reports before it stops the kernel: mode=nmitest always ends in that
 * panic, or in a failure when no machine check came.
 */
#ifndef SLOTGATE_NMITEST_H
#define SLOTGATE_NMITEST_H

#include "types.h"

/* Run the phases; the number that failed, plus one (the machine check
 * was to stop the kernel before). */
int nmi_test_run(void);
/* SYS_NMI_TEST: -E_NOSYS outside mode=nmitest. */
i64 nmi_test_syscall(u64 op);

#endif
