/*
 * test_ipc.c - the L4-style IPC baseline: a server application in its own
 * address space answers calls from an application and from kernel code;
 * the client's view is intact afterwards and the server ends cleanly.
 */
#include "arch/x86.h"
#include "bootinfo.h"
#include "console.h"
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

/* The fast path (ipc.c ipc_switch): a call and its reply from ring 3 each
 * go straight back to ring 3 from the partner's registers. */
KTEST(ipc_fastpath_taken)
{
	struct cpu *cpu = this_cpu();
	struct thread *server = ipc_server_start("ipcserver");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	u64 fast = cpu->counters.ipc_fastpath;
	KT_EXPECT_EQ(ktest_run_app("gtest", GTEST_IPC, 0), 21);
	KT_EXPECT_EQ(cpu->counters.ipc_fastpath - fast, 2);
	/* A kernel client has no registers to go back to: not fast. */
	fast = cpu->counters.ipc_fastpath;
	const u64 args[6] = {1, 2, 3, 4, 5, 6};
	KT_EXPECT_EQ(ipc_call(args), 21);
	KT_EXPECT_EQ(cpu->counters.ipc_fastpath - fast, 0);
	ipc_server_stop(server); /* the server waits with no kernel context */
	KT_EXPECT(!ipc_server_waiting());
}

KTEST(ipc_fast_client_woken_by_server_death)
{
	/* The client waits with no kernel context (it called by the fast
	 * path); the server dies serving it: the scheduler resumes the client
	 * through ipc_resume, with E_DEAD. */
	struct thread *server = ipc_server_start("ipcserver");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	KT_EXPECT_EQ(ktest_run_app("gtest", GTEST_IPC, 0), 21);
	KT_EXPECT_EQ(ktest_run_app("gtest", GTEST_IPC_DIE, 0), -E_DEAD);
	KT_EXPECT(!ipc_server_waiting());
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	ipc_server_stop(server);
}

/* --- Long IPC: the file system served by ipcfs ---------------------------- */

static i64 gtest(enum gtest_action action, u64 param)
{
	return ktest_run_app("gtest", action, param);
}

KTEST(ipc_long_round_trip_through_ipcfs)
{
	struct thread *server = ipc_server_start("ipcfs");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	/* Write 5000 bytes, read them back equal (also through an fd), stat,
	 * delete: each step checked by the client. */
	KT_EXPECT_EQ(gtest(GTEST_IPCFS_ROUND, 0), 0);
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	ipc_server_stop(server); /* ipcfs frees its files and exits 0 */
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_PLAIN), -E_NOENT); /* closed */
}

/* Each bad input with its own answer, in order: the server-side probes
 * are followed by what the server's reply_wait got. */
static const struct {
	enum gtest_ipc_case c;
	int error;
} bad_cases[] = {
	{IPCB_SEND_NULL, E_PTR_NULL},
	{IPCB_STR_KERNEL, E_PTR_KERNEL},
	{IPCB_STR_NONCANONICAL, E_PTR_NONCANONICAL},
	{IPCB_STR_UNMAPPED, E_PTR_UNMAPPED},
	{IPCB_STR_INTO_HOLE, E_PTR_UNMAPPED},
	{IPCB_STR_UNTERMINATED, E_PTR_UNTERMINATED},
	{IPCB_SEND_OTHER_SLOT, E_PTR_OTHER_SLOT},
	{IPCB_SEND_INTO_HOLE, E_PTR_UNMAPPED},
	{IPCB_SEND_TOO_LONG, E_PTR_TOO_LONG},
	{IPCB_OVER_AREA, E_RANGE},
	{IPCB_RECV_READONLY, E_PTR_READONLY},
	{IPCB_RECV_KERNEL, E_PTR_KERNEL},
	{IPCB_LAST_ERROR, 0}, /* none of those reached the server */
	{IPCB_BAD_REPLY, E_FAULT},
	{IPCB_LAST_ERROR, E_PTR_KERNEL},
	{IPCB_LONG_REPLY, E_RANGE},
	{IPCB_LAST_ERROR, E_RANGE},
	{IPCB_BAD_AREA, 0}, /* the server retries with its good area */
	{IPCB_LAST_ERROR, E_PTR_READONLY},
	{IPCB_SHORT_CALL, E_PROTO},
	{IPCB_PLAIN, E_RANGE}, /* still serving: stat with no room */
};

KTEST(ipc_long_bad_inputs_refused)
{
	struct thread *server = ipc_server_start("ipcfs");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		i64 got = gtest(GTEST_IPC_LONG_BAD, bad_cases[i].c);
		if (got != -bad_cases[i].error)
			kprintf("    # case %zu (%d): got %s, want %s\n", i,
				bad_cases[i].c, error_name(got),
				error_name(bad_cases[i].error));
		KT_EXPECT_EQ(got, -bad_cases[i].error);
	}
	/* A kernel client: short calls are refused by a long server, and
	 * the kernel has no address space for long ones. */
	const u64 args[6] = {1, 2, 3, 4, 5, 6};
	KT_EXPECT_EQ(ipc_call(args), -E_PROTO);
	KT_EXPECT_EQ(ipc_call_long(args), -E_PERM);
	/* The endpoint still works after all that. */
	KT_EXPECT_EQ(gtest(GTEST_IPCFS_ROUND, 0), 0);
	ipc_server_stop(server);
}

KTEST(ipc_server_gate_pointers_are_its_own)
{
	/* The server runs on its own PML4 while the CPU's shows the client's
	 * view: a gate call from it must check and map its pointers in its
	 * own address space, not the client's. */
	struct thread *server = ipc_server_start("ipcfs");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_SERVER_GATE), 17);
	/* Drivers shown in every view are not in its own PML4: it leaves it
	 * for this CPU's, showing its own memory, for those calls. */
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_SERVER_GATE_TRUSTED), 17);
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_SERVER_GATE_ALLMAPPED), 17);
	ipc_server_stop(server);
}

KTEST(ipc_server_killed_while_serving)
{
	/* The server faults on its own PML4 while a client waits: it is
	 * killed, the client gets E_DEAD, the kernel goes on. */
	struct thread *server = ipc_server_start("ipcfs");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_SERVER_DIES), -E_DEAD);
	KT_EXPECT(!ipc_server_waiting());
	KT_EXPECT_EQ(read_cr3() & PTE_ADDR, this_cpu()->pml4_phys);
	ipc_server_stop(server);
}

KTEST(ipc_long_call_to_short_server_refused)
{
	struct thread *server = ipc_server_start("ipcserver");
	KT_EXPECT(server != NULL);
	if (!server)
		return;
	KT_EXPECT_EQ(gtest(GTEST_IPC_LONG_BAD, IPCB_PLAIN), -E_PROTO);
	KT_EXPECT_EQ(gtest(GTEST_IPC, 0), 21); /* short calls still work */
	ipc_server_stop(server);
}
