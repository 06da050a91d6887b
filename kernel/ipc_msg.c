/* ipc_msg.c - the long IPC message's checks and copies (ipc_msg.h). */
#include "ipc_msg.h"
#include "errno.h"

int ipc_msg_check(const struct uspace *c, const u64 a[6], u64 area_size,
		  u64 *slen, const char **what)
{
	u64 str = a[1], send = a[2], len = a[3], recv = a[4], cap = a[5];
	int err;

	*slen = 0;
	if (str && (err = uspace_string(c, str, IPC_STR_MAX, slen, NULL)) != 0)
		return *what = "string", err;
	if (len > IPC_BUF_MAX || cap > IPC_BUF_MAX)
		return *what = "buffer size", -E_PTR_TOO_LONG;
	if ((err = uspace_check(c, send, len, false, NULL)) != 0)
		return *what = "send buffer", err;
	if ((err = uspace_check(c, recv, cap, true, NULL)) != 0)
		return *what = "receive buffer", err;
	if (area_size < IPC_STR_MAX || len > area_size - IPC_STR_MAX)
		return *what = "message larger than the server's area", -E_RANGE;
	return 0;
}

int ipc_msg_deliver(const struct uspace *s, u64 area, const struct uspace *c,
		    const u64 a[6], u64 slen, u64 m[6])
{
	u64 str = a[1], send = a[2], len = a[3];
	int err = 0;

	if (str)
		err = uspace_copy(s, area, c, str, slen + 1);
	if (!err)
		err = uspace_copy(s, area + IPC_STR_MAX, c, send, len);
	if (err)
		return err;
	m[0] = a[0];
	m[1] = str ? slen : (u64)-1;
	m[2] = len;
	m[3] = a[5];
	m[4] = m[5] = 0;
	return 0;
}

int ipc_msg_check_area(const struct uspace *s, u64 area, u64 size)
{
	if (size < IPC_STR_MAX || size > IPC_STR_MAX + IPC_BUF_MAX)
		return -E_RANGE;
	return uspace_check(s, area, size, true, NULL);
}

int ipc_msg_reply(const struct uspace *c, u64 recv, u64 cap,
		  const struct uspace *s, u64 reply, u64 len, int *client_err)
{
	int err;

	*client_err = -E_RANGE;
	if (len > cap)
		return -E_RANGE;
	*client_err = -E_FAULT;
	if ((err = uspace_check(s, reply, len, false, NULL)) != 0)
		return err;
	return uspace_copy(c, recv, s, reply, len);
}
