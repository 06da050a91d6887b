/*
 * ipc_endpoint.h - the endpoint's state, for kernel/ipc.c and the IPC
 * fast path in stubs/ipc_fastpath.asm (through stubs/asm-offsets.c) only.
 */
#ifndef SLOTGATE_IPC_ENDPOINT_H
#define SLOTGATE_IPC_ENDPOINT_H

#include "ipc.h"
#include "uspace.h"

struct endpoint {
	bool open;
	struct thread *server;              /* waiting in reply_wait */
	struct syscall_frame *server_frame; /* its registers, for the message */
	struct thread *client;              /* being served */
	struct ipc_frame *client_frame;     /* its registers, a short call from
					       ring 3; NULL: another kind */
	struct view *server_view;           /* its application's view */
	/* Long IPC (ipc.h); the fields above keep their places, the short
	 * path's code is not touched by these. */
	struct thread *long_client;   /* == client while it made a long call */
	struct uspace client_space;   /* its view, for the reply */
	u64 recv, recv_cap;           /* its receive buffer */
	u64 area, area_size;          /* the server's receive area ... */
	bool area_ok;                 /* ... checked, in its view */
	i64 client_err;               /* its reply failed: what the client
					 gets when the server waits again */
};

extern struct endpoint ipc_ep;

#endif
