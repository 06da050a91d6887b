/*
 * test_uart.c - the ring-3 UART driver owns COM2 through the TSS I/O
 * bitmap, switched with its slot: it reaches its ports, an application or
 * another driver touching them faults.
 */
#include "bootinfo.h"
#include "driver.h"
#include "errno.h"
#include "gate.h"
#include "ktest.h"
#include "percpu.h"
#include "trap.h"
#include "user.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

static int run_gtest(enum gtest_action a, i64 *code, struct fault_info *f)
{
	return user_run_module("gtest", a, code, f);
}

KTEST(uart_output_through_driver)
{
	i64 code = -1;
	KT_EXPECT(driver_find("uart") != NULL);
	KT_EXPECT_EQ(run_gtest(GTEST_UART_PRINT, &code, NULL), 0);
	if (code == -E_NOSYS) {
		/* The line was written; nothing can read it back here. */
		ktest_skip("this emulator's COM2 has no loopback (Bochs)");
		return;
	}
	KT_EXPECT_EQ(code, 8); /* 8 bytes written and read back in loopback */
}

KTEST(uart_port_denied_to_application)
{
	struct fault_info f;
	KT_EXPECT_EQ(run_gtest(GTEST_UART_PORT, NULL, &f), -E_KILLED);
	KT_EXPECT_EQ(f.vector, VEC_GP);
}

KTEST(uart_port_denied_to_other_driver)
{
	const u64 none[6] = {0};
	KT_EXPECT_EQ(gate_call_kernel(HOSTILE_GATES + HOSTILE_UART_PORT, none),
		     -E_DRIVER_FAULT);
}

KTEST(uart_ports_closed_after_call)
{
	/* Outside the driver every bit of COM2's range is set again. */
	struct tss *tss = &this_cpu()->tss;
	for (unsigned port = 0x2f8; port < 0x300; port++)
		KT_EXPECT(tss->iomap[port / 8] & (1u << (port % 8)));
}
