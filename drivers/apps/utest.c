/*
 * utest.c - the ring-3 half of the kernel's user-mode tests.  The kernel
 * runs it with one action number in RDI (enum utest_action, shared with
 * kernel/tests/test_user.c) and checks how it ends.
 */
#include "slotgate/sys.h"
#include "slotgate/utest.h"

static long check_args(void)
{
	long r = syscall6(SYS_TEST_ARGS, 1, 10, 100, 1000, 10000, 100000);
	/* 1 + 20 + 300 + 4000 + 50000 + 600000 */
	return r == 654321 ? UTEST_OK : UTEST_BAD;
}

/* SYSCALL must preserve everything but RAX, RCX and R11. */
static long check_preserved(void)
{
	u64_t out[6] = {0};
	__asm__ volatile("mov $0x1111, %%rbx\n\t"
			 "mov $0x3333, %%r12\n\t"
			 "mov $0x4444, %%r15\n\t"
			 "mov $0x5555, %%rdi\n\t"
			 "mov $0x6666, %%r10\n\t"
			 "mov %[nr], %%eax\n\t"
			 "syscall\n\t"
			 "mov %%rbx, 0(%[o])\n\t"
			 "mov %%r12, 16(%[o])\n\t"
			 "mov %%r15, 24(%[o])\n\t"
			 "mov %%rdi, 32(%[o])\n\t"
			 "mov %%r10, 40(%[o])\n\t"
			 :
			 : [o] "r"(out), [nr] "i"(SYS_NULL)
			 : "rax", "rbx", "rcx", "rdi", "r10", "r11", "r12",
			   "r15", "memory");
	/* RBP is left alone: it may be the frame pointer. */
	return out[0] == 0x1111 && out[2] == 0x3333 && out[3] == 0x4444 &&
			       out[4] == 0x5555 && out[5] == 0x6666
		       ? UTEST_OK
		       : UTEST_BAD;
}

static long bad_pointers(void)
{
	if (sys_write((void *)0xffff800000000000ul, 8) != -E_FAULT) /* kernel */
		return UTEST_BAD;
	if (sys_write((void *)0x10, 8) != -E_FAULT) /* unmapped */
		return UTEST_BAD;
	if (sys_write((void *)0x7ffffffffff0ul, 0x100) != -E_FAULT) /* past the end */
		return UTEST_BAD;
	if (syscall6(99, 0, 0, 0, 0, 0, 0) != -E_NOSYS)
		return UTEST_BAD;
	if (syscall6(SYS_GATE_RETURN, 0, 0, 0, 0, 0, 0) != -E_PERM) /* no gate */
		return UTEST_BAD;
	if (syscall6(SYS_GATE_REGISTER, 1, 0x400000, 0, 1, 0, 0) != -E_PERM)
		return UTEST_BAD; /* only drivers register gates */
	if (syscall6(SYS_HEAP_GROW, 0, 0, 0, 0, 0, 0) != -E_RANGE)
		return UTEST_BAD; /* a heap grows by at least a page */
	if (syscall6(SYS_HEAP_GROW, 1u << 20, 0, 0, 0, 0, 0) != -E_RANGE)
		return UTEST_BAD; /* and not past 64 MiB */
	return UTEST_OK;
}

/* Spin in ring 3, asking now and then how many NMIs landed there: the
 * asking is a few hundred instructions in a million. */
static long nmi_ring3(void)
{
	for (;;) {
		for (volatile unsigned i = 0; i < 1000000; i++)
			;
		long n = syscall6(SYS_NMI_TEST, 0, 0, 0, 0, 0, 0);
		if (n < 0 || n >= NMI_TEST_WANT)
			return n;
	}
}

long main(u64_t action)
{
	switch (action) {
	case UTEST_ARGS:
		return check_args();
	case UTEST_PRESERVED:
		return check_preserved();
	case UTEST_BAD_POINTERS:
		return bad_pointers();
	case UTEST_NULL_DEREF:
		return *(volatile long *)0;
	case UTEST_KERNEL_READ:
		return *(volatile long *)0xffffffff80100000ul;
	case UTEST_PRIVILEGED:
		__asm__ volatile("hlt");
		return UTEST_BAD;
	case UTEST_UD:
		__asm__ volatile("ud2");
		return UTEST_BAD;
	case UTEST_WRITE_TEXT:
		*(volatile char *)(u64_t)main = 0;
		return UTEST_BAD;
	case UTEST_STACK_OVERFLOW: {
		volatile char *p = (volatile char *)&action;
		for (;;)
			*(p -= 4096) = 1;
	}
	case UTEST_NMI_RING3:
		return nmi_ring3();
	case UTEST_NMI_SYSCALL:
		return syscall6(SYS_NMI_TEST, 1, 0, 0, 0, 0, 0);
	case UTEST_NMI_USER_GS:
		return syscall6(SYS_NMI_TEST, 2, 0, 0, 0, 0, 0);
	case UTEST_NMI_MCE:
		return syscall6(SYS_NMI_TEST, 3, 0, 0, 0, 0, 0);
	default:
		return UTEST_BAD;
	}
}
