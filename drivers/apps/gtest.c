/*
 * gtest.c - the ring-3 application half of the gate tests: it calls
 * gates and probes what the drivers can see.  Action in the low byte of
 * the argument, a parameter above it (slotgate/gtest.h).
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

static volatile long own_low = 0x1234; /* in selector 0, at 4 MiB + */

static long call(u64_t gate) { return gate_call(gate, 1, 2, 3, 4, 5, 6); }

static long peek(u64_t gate, u64_t addr)
{
	return gate_call(gate, addr, 0, 0, 0, 0, 0);
}

/* Pack the per-round-trip counter deltas: 8 bits each. */
static long counters(void)
{
	struct sys_counters a, b;
	syscall6(SYS_COUNTERS, (u64_t)&a, 0, 0, 0, 0, 0);
	call(NULL_GATES + NULL_ADD);
	syscall6(SYS_COUNTERS, (u64_t)&b, 0, 0, 0, 0, 0);
	return (long)((b.cr3_writes - a.cr3_writes) |
		      (b.invlpgs - a.invlpgs) << 8 |
		      (b.invpcids - a.invpcids) << 16 |
		      (b.pml4e_writes - a.pml4e_writes) << 24 |
		      (b.gate_calls - a.gate_calls) << 32);
}

long main(u64_t arg)
{
	u64_t param = arg >> 8;
	volatile long on_stack = 5;

	switch (arg & 0xff) {
	case GTEST_CALL:
		return call(param);
	case GTEST_PEEK_OWN_LOW:
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&own_low);
	case GTEST_PEEK_OWN_STACK:
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&on_stack);
	case GTEST_PEEK_KERNEL:
		return peek(NULL_GATES + NULL_PEEK, 0xffffffff80100000ul);
	case GTEST_PEEK_OTHER_SLOT: {
		long page = call(NULL_GATES + NULL_PAGE);
		return page < 0 ? page : peek(NEST_GATES + NEST_PEEK, (u64_t)page);
	}
	case GTEST_STALE_TO_DRIVER:
		(void)own_low; /* now in this CPU's TLB */
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&own_low);
	case GTEST_STALE_TO_APP: {
		long page = call(NULL_GATES + NULL_PAGE);
		if (page < 0)
			return page;
		return *(volatile long *)page; /* must fault: not our slot */
	}
	case GTEST_NEST:
		return gate_call(NEST_GATES + NEST_DOWN, param, 0, 0, 0, 0, 0);
	case GTEST_COUNTERS:
		return counters();
	case GTEST_MEET:
		return gate_call(NULL_GATES + NULL_MEET, param, 0, 0, 0, 0, 0);
	case GTEST_UART_PRINT: {
		static const char line[] = "hello from ring 3 through the UART driver\n";
		char back[] = "loopback";
		if (gate_call(UART_GATES + UART_WRITE, (u64_t)line, sizeof(line) - 1,
			      0, 0, 0, 0) != (long)sizeof(line) - 1)
			return -1;
		long n = gate_call(UART_GATES + UART_ECHO, (u64_t)back, 8, 0, 0, 0, 0);
		if (n == -E_NOSYS)
			return n; /* the line went out; no loopback to check it */
		const char *want = "loopback";
		for (int i = 0; i < 8; i++)
			if (back[i] != want[i])
				return -2;
		return n;
	}
	case GTEST_IPC:
		return syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6);
	case GTEST_UART_PORT: {
		unsigned char v;
		__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x2fd));
		return v;
	}
	default:
		return -1000;
	}
}
