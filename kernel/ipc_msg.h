/*
 * ipc_msg.h - the long IPC message: its layout and its checks, pure C
 * over two address spaces (uspace.h).  ipc.c keeps the endpoint, the
 * threads and the logging; this is what it decides about the bytes
 * (host-tested and fuzzed: tests/host/test_ipc_msg.c,
 * tests/host/fuzz/fuzz_ipc.c).
 *
 * A long call's registers a[0..5] are: label, string, send buffer, its
 * length, receive buffer, its capacity.  The server's receive area of
 * area_size bytes (IPC_STR_MAX <= area_size <= IPC_STR_MAX + IPC_BUF_MAX,
 * writable in the server's view) gets the string with its NUL at
 * area[0], and the send buffer's bytes at area + IPC_STR_MAX; the
 * server's registers get (label, string length or -1, data length,
 * receive capacity, 0, 0).  A reply of len bytes goes into the client's
 * receive buffer only if len <= its capacity.
 *
 * Invariants: nothing is written before every item has been checked; no
 * byte of the server's view outside the area, and none of the client's
 * outside its receive buffer, is ever written; a write goes only to
 * pages the space may write (uspace_copy()).
 */
#ifndef SLOTGATE_IPC_MSG_H
#define SLOTGATE_IPC_MSG_H

#include "slotgate/abi.h"
#include "types.h"
#include "uspace.h"

/*
 * The client's items, in client space @c, for a server whose area is
 * @area_size bytes: 0 with the string's length (NUL excluded) in *@slen,
 * or the error (docs/gate-abi.md's E_PTR_* codes, E_RANGE for data over
 * the area's room), with what was refused in *@what ("string", ...).
 */
int ipc_msg_check(const struct uspace *c, const u64 a[6], u64 area_size,
		  u64 *slen, const char **what);

/* Copy the checked items into the area at @area in server space @s; the
 * server's message registers in @m: 0, or the error of a page that went
 * away since the checks. */
int ipc_msg_deliver(const struct uspace *s, u64 area, const struct uspace *c,
		    const u64 a[6], u64 slen, u64 m[6]);

/* A receive area of @size bytes at @area in @s: 0, -E_RANGE (size out of
 * bounds) or the pointer error. */
int ipc_msg_check_area(const struct uspace *s, u64 area, u64 size);

/* Copy a reply of @len bytes at @reply in server space @s into the
 * client's receive buffer @recv of @cap bytes in @c: 0, or -E_RANGE (over
 * the capacity; the client gets -E_RANGE too) or the pointer error (the
 * client gets -E_FAULT), with the client's code in *@client_err. */
int ipc_msg_reply(const struct uspace *c, u64 recv, u64 cap,
		  const struct uspace *s, u64 reply, u64 len, int *client_err);

#endif
