/*
 * test_ipc.c - the L4-style IPC baseline: a server application in its own
 * address space answers calls from an application and from kernel code;
 * the client's view is intact afterwards and the server ends cleanly.
 */
#include "arch/x86.h"
#include "bootinfo.h"
#include "errno.h"
#include "ipc.h"
#include "ktest.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "vm.h"
#include "slotgate/gtest.h"

KTEST(ipc_call_reply_round_trip)
{
	i64 code = -1;
	struct thread *server = ipc_server_start("ipcserver");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	KT_EXPECT_EQ(user_run_module("gtest", GTEST_IPC, &code, NULL), 0);
	KT_EXPECT_EQ(code, 21);
	const u64 args[6] = {10, 20, 30, 40, 50, 60};
	KT_EXPECT_EQ(ipc_call(args), 210); /* a kernel client too */
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	ipc_server_stop(server);
	KT_EXPECT_EQ(ipc_call(args), -E_NOENT); /* closed */
}
