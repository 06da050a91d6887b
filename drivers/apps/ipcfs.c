/*
 * ipcfs.c - the RAM file system as an IPC server: the `ipc` baseline of
 * the file-system workload (the ipc/ramfs-file rows of fsbench).
 *
 * An application in its own address space, linking the same pure core as
 * the ramfs driver (drivers/ramfs/ramfs_core.c), that serves the ramfs
 * operations over long IPC (protocol in slotgate/ipcfs.h) until its
 * reply_wait returns E_DEAD (the endpoint closed), then frees every file
 * and exits 0.  One server thread: requests are served one at a time, so
 * the core needs no lock here.  Paths and data arrive in the receive
 * area; replies leave from its data part, which the request no longer
 * needs by then.
 */
#include "slotgate/app.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/ipcfs.h"

#include "ramfs_core.h"

#define AREA_SIZE (IPC_STR_MAX + IPCFS_DATA_MAX)

static struct ramfs fs;
static char area[AREA_SIZE] __attribute__((aligned(4096)));
static char *const data = area + IPC_STR_MAX;
static long last_error; /* for IPCFS_PROBE_LAST_ERROR */

struct reply {
	const void *buf;
	u64_t len;
};

/* A result of bytes placed in data: reply with them. */
static long with_data(struct reply *r, long n)
{
	r->buf = data;
	r->len = n > 0 ? (u64_t)n : 0;
	return n;
}

static long seek(u64_t fd, const struct ipc_msg *m)
{
	const struct ipcfs_seek *s = (const struct ipcfs_seek *)data;
	if (m->len != sizeof(*s))
		return -E_INVAL;
	return ramfs_seek(&fs, fd, s->off, s->whence);
}

static long stat(const char *path, u64_t cap, struct reply *r)
{
	long err = ramfs_stat(&fs, path, (struct fs_stat *)data, cap);
	with_data(r, err ? 0 : (long)sizeof(struct fs_stat));
	return err;
}

/* The probes (slotgate/ipcfs.h): how the next reply_wait misbehaves. */
static long probe(u64_t op, const struct ipc_msg *m, struct reply *r, u64_t *area_at)
{
	switch (op) {
	case IPCFS_PROBE_BAD_REPLY:
		r->buf = (const void *)0xffffffff80100000ul;
		r->len = 8;
		return 0;
	case IPCFS_PROBE_LONG_REPLY:
		r->buf = data;
		r->len = m->cap + 1;
		return 0;
	case IPCFS_PROBE_BAD_AREA:
		*area_at = (u64_t)&seek; /* code: read-only */
		return 0;
	case IPCFS_PROBE_GATE:
		return gate_call(ECHO_GATES + ECHO_STRLEN, (u64_t)area, 0, 0, 0, 0, 0);
	case IPCFS_PROBE_DIE:
		return *(volatile long *)0x1000; /* below the program: unmapped */
	case IPCFS_PROBE_GATE_TRUSTED:
		return gate_call(ECHOT_GATES + ECHO_STRLEN, (u64_t)area, 0, 0, 0, 0, 0);
	case IPCFS_PROBE_GATE_ALLMAPPED:
		return gate_call(ECHOA_GATES + ECHO_STRLEN, (u64_t)area, 0, 0, 0, 0, 0);
	case IPCFS_PROBE_GATE_NULL:
		return gate_call(NULL_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6);
	case IPCFS_PROBE_LAST_ERROR: {
		long e = last_error;
		last_error = 0;
		return e;
	}
	default:
		return -E_NOSYS;
	}
}

/* Serve one request; what to reply in *r. */
static long serve(const struct ipc_msg *m, struct reply *r, u64_t *area_at)
{
	const char *path = m->str_len >= 0 ? area : 0;
	u64_t fd = IPCFS_FD(m->label), op = IPCFS_OP(m->label);
	u64_t cap = m->cap < IPCFS_DATA_MAX ? m->cap : IPCFS_DATA_MAX;

	*r = (struct reply){0, 0};
	switch (op) {
	case RAMFS_CREATE:
		return ramfs_create(&fs, path);
	case RAMFS_OPEN:
		return ramfs_open(&fs, path);
	case RAMFS_READ:
		return with_data(r, ramfs_read(&fs, fd, data, cap));
	case RAMFS_WRITE:
		return ramfs_write(&fs, fd, data, m->len);
	case RAMFS_SEEK:
		return seek(fd, m);
	case RAMFS_CLOSE:
		return ramfs_close(&fs, fd);
	case RAMFS_STAT:
		return stat(path, cap, r);
	case RAMFS_LIST:
		return with_data(r, ramfs_list(&fs, path, data, cap));
	case RAMFS_DELETE:
		return ramfs_delete(&fs, path);
	case RAMFS_WRITE_FILE:
		return ramfs_write_file(&fs, path, data, m->len);
	case RAMFS_READ_FILE:
		return with_data(r, ramfs_read_file(&fs, path, data, cap));
	default:
		return probe(op, m, r, area_at);
	}
}

long main(u64_t arg)
{
	struct ipc_msg m;
	struct reply r = {0, 0};
	long result = 0, err;
	u64_t area_at = (u64_t)area;
	(void)arg;

	ramfs_init(&fs, malloc, free);
	while ((err = ipc_reply_wait_long(result, r.buf, r.len, (void *)area_at,
					  AREA_SIZE, &m)) != -E_DEAD) {
		if (err < 0) {
			/* Refused at once (kernel/ipc.h): a bad area leaves the
			 * client waiting for the same reply; after a bad reply
			 * no client waits and the reply is not looked at. */
			last_error = err;
			area_at = (u64_t)area;
			continue;
		}
		result = serve(&m, &r, &area_at);
	}
	ramfs_destroy(&fs);
	return 0;
}
