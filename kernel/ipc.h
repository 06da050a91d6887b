/*
 * ipc.h - an L4-style synchronous IPC endpoint: the baseline the gate is
 * measured against (the `ipc` row).
 *
 * A server thread runs an application in its own address space and waits
 * with reply_wait; a client's call blocks the client and switches
 * directly to the server thread - no run queue, as seL4's fastpath does -
 * loading the server's own PML4 into CR3 (with its PCID and CR3 bit 63
 * where the build uses PCIDs).  The message is the six argument
 * registers, delivered in the server's own registers; the server's
 * reply_wait(result) hands the result back and switches directly to the
 * client.  One endpoint, for the benchmark and its tests.
 *
 * The fast path (stubs/ipc_fastpath.asm, and ipc_switch() in C): the
 * short calls enter with every register saved (struct ipc_frame below),
 * so a call to a server waiting in the short reply_wait, and that
 * server's reply to a client waiting in a short call, go from one
 * thread's registers straight to the other's; the thread that blocks
 * keeps no kernel context, and whoever resumes it - its partner, or the
 * scheduler after the close - returns it to ring 3 from its registers.
 * Kernel clients, long IPC and every other case switch kernel contexts.
 *
 * Long IPC carries buffers as L4 X.2 string items: the kernel copies them
 * once, directly from one address space into the other, page by page
 * through the direct map (uspace.h) - no bounce buffer, no mapping.  A
 * long call names a label, an optional string (NUL-terminated, at most
 * IPC_STR_MAX bytes with the NUL), an optional send buffer and an optional
 * receive buffer; the server waits with a receive area of its own, where
 * the string lands at area[0] and the data at area + IPC_STR_MAX, and
 * replies with a result and an optional reply buffer, which the kernel
 * copies into the client's receive buffer.  Errors, decided once:
 *   - client side, before the server is woken (nothing copied): a bad
 *     string or buffer pointer gets the gate's pointer code (E_PTR_*); a
 *     receive buffer the client cannot write E_PTR_READONLY; a string or
 *     buffer over its limit E_PTR_UNTERMINATED / E_PTR_TOO_LONG; data
 *     larger than the server's area (minus IPC_STR_MAX) E_RANGE; a server
 *     waiting with the short reply_wait E_PROTO; none E_NOENT;
 *   - a short call meeting a server in the long reply_wait gets E_PROTO
 *     from the kernel; the server never sees it and keeps waiting;
 *   - server side: a bad receive area (under IPC_STR_MAX bytes, or not
 *     writable user memory in its view) returns the pointer code or
 *     E_RANGE at once, before the reply: the client keeps waiting for a
 *     retry.  A bad reply buffer (E_PTR_*) or a reply longer than the
 *     client's receive capacity (E_RANGE) returns that code to the server
 *     at once, without waiting; the client gets E_FAULT (resp. E_RANGE),
 *     nothing copied into its buffer, when the server next waits (so the
 *     server is waiting again before the client runs);
 *   - closing the endpoint wakes a client still waiting with E_DEAD;
 *   - each refusal logs one line ("ipc: ... refused: E_...").
 * Only ring-3 applications make long calls (the kernel has no view to
 * copy from: E_PERM).
 *
 * Invariants:
 *   - the kernel never dereferences a user address: both sides are
 *     reached through their page tables and the direct map;
 *   - nothing is copied into the server until every client item has been
 *     checked, and a server waits in the long form only with a receive
 *     area checked writable in its own view (rechecked when it changes;
 *     an application's pages are never unmapped while it runs);
 *   - a long client's receive buffer is written only with a reply that
 *     fits it, after the reply buffer has been checked in the server;
 *   - the short calls (ipc_call, ipc_reply_wait) are not touched by any
 *     of this: their code and instruction budget stay as they were, and
 *     a mismatch is found on the long side (the waiting server's syscall
 *     number; the long client it records).
 */
#ifndef SLOTGATE_IPC_H
#define SLOTGATE_IPC_H

#include "syscall.h"
#include "types.h"

/*
 * The registers of a short IPC system call from ring 3 (stubs/syscall.asm
 * saves them all for SYS_IPC_CALL and SYS_IPC_REPLY_WAIT): the callee-saved
 * ones below the system call frame.  A thread waiting in such a call goes
 * back to ring 3 straight from here when its partner comes (the fast path,
 * ipc.c ipc_switch).
 */
struct ipc_frame {
	u64 r15, r14, r13, r12, rbp, rbx;
	struct syscall_frame sys;
};

/* The short IPC calls from ring 3 (stubs/syscall.asm), with registers
 * @f: SYS_IPC_CALL(a..f) - the reply, or -E_NOENT when no server waits -
 * and SYS_IPC_REPLY_WAIT (ipc_reply_wait); -E_NOSYS for the other
 * numbers it is given. */
i64 ipc_syscall(struct ipc_frame *f);
struct thread;
/* The IPC fast path's CR3 loads (stubs/ipc_fastpath.asm): server @to's
 * own PML4, as ipc_switch() loads it; this CPU's PML4 for a client. */
void ipc_fast_load_server(struct thread *to);
void ipc_fast_load_client(void);
/* SYS_IPC_CALL from kernel code (tests: a kernel client). */
i64 ipc_call(const u64 args[6]);
/* SYS_IPC_REPLY_WAIT(result) with registers @f: reply the result to the
 * current client (if any), then wait for the next call; its message
 * arrives in @f's argument registers.  0, or -E_DEAD once the endpoint is
 * closed. */
i64 ipc_reply_wait(struct ipc_frame *f);
/* From stubs/switch.asm (ipc_resume): the thread whose short IPC call
 * saved registers @f was resumed by the scheduler, with no kernel context
 * of its own: what the call returns. */
i64 ipc_woken(struct ipc_frame *f);
/* SYS_IPC_CALL_LONG (@args: label, str, send, send_len, recv, recv_cap):
 * the server's result, or an error above. */
i64 ipc_call_long(const u64 args[6]);
/* SYS_IPC_REPLY_WAIT_LONG (@f's a0..a4: result, reply, reply_len, area,
 * area_size): reply to the current client (with the reply buffer when it
 * made a long call), then wait for the next long call: 0 with a0 = label,
 * a1 = string length (NUL excluded) or -1 for none, a2 = data length,
 * a3 = the client's receive capacity in @f; -E_DEAD once the endpoint is
 * closed; or an error above, at once. */
i64 ipc_reply_wait_long(struct syscall_frame *f);
/* Open the endpoint for a server, and close it: a waiting server gets
 * -E_DEAD from its reply_wait. */
void ipc_open(void);
void ipc_close(void);
/* A server is waiting for calls. */
bool ipc_server_waiting(void);

/* Open the endpoint and start a thread running the application module
 * @name as its server; returns once it waits (NULL if it cannot start).
 * Stop: close the endpoint and join the thread. */
struct thread *ipc_server_start(const char *name);
void ipc_server_stop(struct thread *server);

#endif
