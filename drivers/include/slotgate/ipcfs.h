/*
 * ipcfs.h - the RAM file system as an IPC server (drivers/apps/ipcfs.c):
 * the protocol its clients speak over long IPC (slotgate/ipc.h).
 *
 * The label is a ramfs gate offset (slotgate/ramfs.h) with, for the
 * operations on an fd, the fd above it: IPCFS_LABEL(op, fd).  A path
 * travels as the string item, written data as the send buffer, read data
 * (and RAMFS_STAT's struct fs_stat) as the reply into the receive buffer;
 * RAMFS_SEEK sends struct ipcfs_seek.  Results as the gates'.
 */
#ifndef SLOTGATE_IPCFS_H
#define SLOTGATE_IPCFS_H

#include "ipc.h"
#include "ramfs.h"

#define IPCFS_LABEL(op, fd) ((u64_t)(op) | (u64_t)(fd) << 8)
#define IPCFS_OP(label) ((label) & 0xff)
#define IPCFS_FD(label) ((label) >> 8)

/* The most data one message carries either way: the server's receive
 * area is IPC_STR_MAX + IPCFS_DATA_MAX bytes (the workload's largest
 * file, drivers/apps/fsbench.c). */
#define IPCFS_DATA_MAX 16384

struct ipcfs_seek {
	long off;
	u64_t whence; /* enum ramfs_whence */
};

/*
 * Probes for the kernel tests (tests/kernel/test_ipc.c): the server
 * misbehaves on purpose, once, so the kernel's answers can be checked.
 */
enum ipcfs_probe {
	IPCFS_PROBE_BAD_REPLY = 0x80, /* reply from a kernel address */
	IPCFS_PROBE_LONG_REPLY,       /* reply one byte more than the room */
	IPCFS_PROBE_BAD_AREA,         /* wait once with a read-only area,
					 then reply 0 as usual */
	IPCFS_PROBE_LAST_ERROR,       /* the last error its reply_wait gave */
	IPCFS_PROBE_GATE,             /* echo.strlen(the string it got, in its
					 own area): a gate call from a server
					 on its own address space */
	IPCFS_PROBE_GATE_TRUSTED,     /* the same into echot (trusted) */
	IPCFS_PROBE_GATE_ALLMAPPED,   /* the same into echoa (all-mapped) */
	IPCFS_PROBE_DIE,              /* fault while serving: killed */
	IPCFS_PROBE_GATE_NULL,        /* null.add(1..6): a register-only gate
					 from its own address space */
};

static inline long ipcfs_write_file(const char *path, const void *data, u64_t n)
{
	return ipc_call_long(RAMFS_WRITE_FILE, path, data, n, 0, 0);
}

static inline long ipcfs_read_file(const char *path, void *buf, u64_t n)
{
	return ipc_call_long(RAMFS_READ_FILE, path, 0, 0, buf, n);
}

static inline long ipcfs_delete(const char *path)
{
	return ipc_call_long(RAMFS_DELETE, path, 0, 0, 0, 0);
}

#endif
