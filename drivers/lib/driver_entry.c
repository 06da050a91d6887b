/*
 * driver_entry.c - the driver runtime's only entry point.
 *
 * The kernel enters every gate call here (SYSRET, slots/gate.c) with RAX =
 * the handler (0: driver_init), the arguments in RDI, RSI, RDX, R10, R8,
 * R9 (R10 for the fourth: SYSRET took RCX) and RSP = this thread's stack
 * in the driver's slot.  The handler's result goes back through the
 * return gate.
 */
#include "slotgate/driver.h"

__asm__(".text\n"
	".globl _driver_entry\n"
	".hidden driver_init\n"
	"_driver_entry:\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	lea driver_init(%rip), %rax\n"
	"1:	mov %r10, %rcx\n"
	"	call *%rax\n"
	"	mov %rax, %rdi\n"
	"	mov $0xff, %eax\n" /* SYS_GATE_RETURN */
	"	syscall\n"
	"	ud2\n");

_Static_assert(SYS_GATE_RETURN == 0xff, "the entry stub hard-codes it");
