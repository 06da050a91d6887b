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
 */
#ifndef SLOTGATE_IPC_H
#define SLOTGATE_IPC_H

#include "syscall.h"
#include "types.h"

/* SYS_IPC_CALL: -E_NOENT when no server waits. */
i64 ipc_call(const u64 args[6]);
/* SYS_IPC_REPLY_WAIT: reply @result to the current client (if any), then
 * wait for the next call; its message arrives in @f's argument registers.
 * 0, or -E_DEAD once the endpoint is closed. */
i64 ipc_reply_wait(struct syscall_frame *f, i64 result);
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
