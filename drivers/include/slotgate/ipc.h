/*
 * ipc.h - the IPC baseline's system calls for ring 3 (kernel/ipc.h has
 * the rules and the errors).
 *
 * Short IPC: six registers each way (SYS_IPC_CALL, SYS_IPC_REPLY_WAIT).
 * Long IPC: a label plus string and buffer items that the kernel copies
 * once, directly between the client's and the server's address spaces
 * (L4 X.2 string items).  A server waits with a receive area: the string
 * arrives at area[0] (NUL-terminated), the data at area + IPC_STR_MAX.
 */
#ifndef SLOTGATE_IPC_API_H
#define SLOTGATE_IPC_API_H

#include "sys.h"

/* ipcserver (the short server) faults when a message starts with
 * IPCSERVER_DIE; with IPCSERVER_TOUCH it touches the message's second word
 * of its pages (at most 1024; the working-set sweep) and replies with that
 * number.  Both lie at or above IPCSERVER_SPECIAL, so the server tells
 * them from an ordinary message with one compare (the `ipc` row's budget
 * counts its loop). */
#define IPCSERVER_SPECIAL 0x5107000000000000ul
#define IPCSERVER_DIE (IPCSERVER_SPECIAL + 1)
#define IPCSERVER_TOUCH (IPCSERVER_SPECIAL + 2)

/* Call the server with @label, the string @str (NULL: none), @send_len
 * bytes of @send, and room for @recv_cap bytes of reply at @recv: the
 * server's result, or a negated error (E_PTR_*, E_RANGE, E_PROTO, ...). */
static inline long ipc_call_long(u64_t label, const char *str, const void *send,
				 u64_t send_len, void *recv, u64_t recv_cap)
{
	return syscall6(SYS_IPC_CALL_LONG, label, (u64_t)str, (u64_t)send,
			send_len, (u64_t)recv, recv_cap);
}

/* What a long reply_wait received. */
struct ipc_msg {
	u64_t label;
	long str_len;  /* the string's length, NUL excluded; -1: none */
	u64_t len;     /* bytes of data at area + IPC_STR_MAX */
	u64_t cap;     /* the client's room for the reply */
};

/* Reply @result and @reply_len bytes of @reply to the current client,
 * then wait for the next long call into @area: 0 and *m, -E_DEAD when
 * the endpoint closed, or an error at once (a bad area: the client still
 * waits; a bad reply: the client got an error and no longer waits). */
static inline long ipc_reply_wait_long(long result, const void *reply,
				       u64_t reply_len, void *area,
				       u64_t area_size, struct ipc_msg *m)
{
	long ret;
	register u64_t r10 __asm__("r10") = (u64_t)area;
	register u64_t r8 __asm__("r8") = area_size;
	register u64_t r9 __asm__("r9") = 0;
	u64_t rdi = (u64_t)result, rsi = (u64_t)reply, rdx = reply_len;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10),
			   "+r"(r8), "+r"(r9)
			 : "a"(SYS_IPC_REPLY_WAIT_LONG)
			 : "rcx", "r11", "memory");
	m->label = rdi, m->str_len = (long)rsi, m->len = rdx, m->cap = r10;
	return ret;
}

#endif
