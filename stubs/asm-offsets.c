/*
 * asm-offsets.c - the struct offsets and constants the stubs use, taken
 * from the C definitions at build time (Linux's asm-offsets): compiled to
 * assembly only, never linked; the Makefile turns each "->NAME value"
 * line into "%define NAME value" in build/<FLUSH>/asm-offsets.inc, so a
 * field that moves moves in the stubs too.
 */
#include "fastpath.h"
#include "driver.h"
#include "gate.h"
#include "gate_core.h"
#include "ipc.h"
#include "ipc_endpoint.h"
#include "percpu.h"
#include "slotgate/abi.h"
#include "syscall.h"
#include "thread.h"

#define DEFINE(name, value) \
	__asm__ volatile("\n.ascii \"->" #name " %c0\"" ::"i"((long)(value)))
#define OFFSET(name, type, member) DEFINE(name, __builtin_offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
	/* struct cpu (kernel/percpu.h), reached through GS */
	OFFSET(CPU_SELF, struct cpu, self);
	OFFSET(CPU_USER_RSP, struct cpu, user_rsp);
	OFFSET(CPU_KSTACK_TOP, struct cpu, kstack_top);
	OFFSET(CPU_THREAD, struct cpu, thread);
	OFFSET(CPU_TSS_RSP0, struct cpu, tss.rsp[0]);
	OFFSET(CPU_SLOTS, struct cpu, slots);
	OFFSET(CPU_SLOTS_CURRENT, struct cpu, slots.current);
	OFFSET(CPU_SYSCALLS, struct cpu, counters.syscalls);
	OFFSET(CPU_GATE_CALLS, struct cpu, counters.gate_calls);
	OFFSET(CPU_TIMER_TICKS, struct cpu, counters.timer_ticks);
	OFFSET(CPU_FASTPATH_CALLS, struct cpu, counters.fastpath_calls);
	OFFSET(CPU_THREAD_SWITCHES, struct cpu, counters.thread_switches);
	OFFSET(CPU_IPC_FASTPATH, struct cpu, counters.ipc_fastpath);
	OFFSET(CPU_BKL_HELD, struct cpu, bkl_held);

	/* struct thread (kernel/thread.h) */
	OFFSET(THREAD_ID, struct thread, id);
	OFFSET(THREAD_GATE_TOP, struct thread, gate_top);
	OFFSET(THREAD_GATE_DEPTH, struct thread, gate_depth);
	OFFSET(THREAD_OWN, struct thread, own);
	OFFSET(THREAD_STATE, struct thread, state);
	OFFSET(THREAD_SAVED_RSP, struct thread, saved_rsp);
	OFFSET(THREAD_KSTACK_TOP, struct thread, kstack_top);
	OFFSET(THREAD_VIEW, struct thread, view);
	OFFSET(THREAD_IPC_VALUE, struct thread, ipc_value);
	OFFSET(THREAD_CPU, struct thread, cpu);
	DEFINE(THREAD_RUNNING, THREAD_RUNNING);
	DEFINE(THREAD_BLOCKED, THREAD_BLOCKED);

	/* the IPC endpoint (kernel/ipc_endpoint.h) and a short call's
	 * registers (struct ipc_frame, kernel/ipc.h) */
	OFFSET(EP_OPEN, struct endpoint, open);
	OFFSET(EP_SERVER, struct endpoint, server);
	OFFSET(EP_SERVER_FRAME, struct endpoint, server_frame);
	OFFSET(EP_CLIENT, struct endpoint, client);
	OFFSET(EP_CLIENT_FRAME, struct endpoint, client_frame);
	OFFSET(IPC_FRAME_SYS, struct ipc_frame, sys);

	/* struct gate (slots/gate_table.h): gates[] is indexed by shifting */
	DEFINE(GATE_SHIFT, __builtin_ctz(sizeof(struct gate)));
	OFFSET(GATE_DRIVER, struct gate, driver);
	OFFSET(GATE_HANDLER, struct gate, handler);
	OFFSET(GATE_PTR_CLASS, struct gate, ptr_class);
	OFFSET(GATE_CALLERS, struct gate, callers);

	/* struct driver (slots/driver.h) */
	OFFSET(DRIVER_VIEW, struct driver, view);
	OFFSET(DRIVER_ENTRY, struct driver, entry);
	OFFSET(DRIVER_DEAD, struct driver, dead);
	OFFSET(DRIVER_RESTART_PENDING, struct driver, restart_pending);
	OFFSET(DRIVER_ACTIVE, struct driver, active);
	OFFSET(DRIVER_MODE, struct driver, mode);
	OFFSET(DRIVER_STACK_CURSOR, struct driver, stack_cursor);

	/* struct gate_frame (slots/gate.h), its ctx (kernel/ctx.h) first */
	DEFINE(GATE_FRAME_SIZE, sizeof(struct gate_frame));
	OFFSET(CTX_RBX, struct gate_frame, ctx.rbx);
	OFFSET(CTX_RBP, struct gate_frame, ctx.rbp);
	OFFSET(CTX_R12, struct gate_frame, ctx.r12);
	OFFSET(CTX_R13, struct gate_frame, ctx.r13);
	OFFSET(CTX_R14, struct gate_frame, ctx.r14);
	OFFSET(CTX_R15, struct gate_frame, ctx.r15);
	OFFSET(CTX_RSP, struct gate_frame, ctx.rsp);
	OFFSET(CTX_RIP, struct gate_frame, ctx.rip);
	OFFSET(FRAME_PREV, struct gate_frame, prev);
	OFFSET(FRAME_DRIVER, struct gate_frame, driver);
	OFFSET(FRAME_CALLER, struct gate_frame, caller);
	OFFSET(FRAME_CALLER_VIEW, struct gate_frame, caller_view);
	OFFSET(FRAME_CALLER_CURSOR, struct gate_frame, caller_cursor);
	OFFSET(FRAME_SAVED_KSTACK_TOP, struct gate_frame, saved_kstack_top);
	OFFSET(FRAME_TICKS_INSIDE, struct gate_frame, ticks_inside);
	OFFSET(FRAME_RESULT, struct gate_frame, result);
	OFFSET(FRAME_RETURNED, struct gate_frame, returned);
	OFFSET(FRAME_CALLER_OWN, struct gate_frame, caller_own);

	/* struct syscall_frame (kernel/syscall.h) */
	DEFINE(SYSCALL_FRAME_SIZE, sizeof(struct syscall_frame));
	OFFSET(SF_NR, struct syscall_frame, nr);
	OFFSET(SF_A, struct syscall_frame, a);
	OFFSET(SF_RSP, struct syscall_frame, rsp);

	/* numbers */
	DEFINE(SYS_COUNT, SYS_COUNT);
	DEFINE(SYS_GATE_RETURN, SYS_GATE_RETURN);
	DEFINE(SYS_IPC_CALL, SYS_IPC_CALL);
	DEFINE(SYS_IPC_REPLY_WAIT, SYS_IPC_REPLY_WAIT);
	DEFINE(GATE_SYSCALL_BASE, GATE_SYSCALL_BASE);
	DEFINE(GATE_MAX, GATE_MAX);
	DEFINE(GATE_MAX_DEPTH, GATE_MAX_DEPTH);
	DEFINE(GATE_FROM_APP, GATE_FROM_APP);
	DEFINE(GATE_FROM_DRIVER, GATE_FROM_DRIVER);
	DEFINE(PTR_NONE, PTR_NONE);
	DEFINE(DRIVER_SLOT, DRIVER_SLOT);
	DEFINE(DRIVER_CR3, DRIVER_CR3);
	DEFINE(FASTPATH_MISS_NO_GATE, FASTPATH_MISS_NO_GATE);
	DEFINE(FASTPATH_MISS_POINTERS, FASTPATH_MISS_POINTERS);
	DEFINE(FASTPATH_MISS_FORBIDDEN, FASTPATH_MISS_FORBIDDEN);
	DEFINE(FASTPATH_MISS_DEAD, FASTPATH_MISS_DEAD);
	DEFINE(FASTPATH_MISS_RESTART, FASTPATH_MISS_RESTART);
	DEFINE(FASTPATH_MISS_OWN_SPACE, FASTPATH_MISS_OWN_SPACE);
	DEFINE(FASTPATH_MISS_DEPTH, FASTPATH_MISS_DEPTH);
	DEFINE(FASTPATH_MISS_NO_STACK, FASTPATH_MISS_NO_STACK);
	DEFINE(FASTPATH_MISS_OFF, FASTPATH_MISS_OFF);
}
