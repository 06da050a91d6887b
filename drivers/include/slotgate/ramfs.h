/*
 * ramfs.h - the RAM file system driver's gates (drivers/ramfs), shared by
 * its clients: applications and drivers (through slotgate/app.h) and the
 * kernel (gate_call_kernel(RAMFS_GATES + RAMFS_..., args)).
 *
 * Paths are absolute, NUL-terminated, at most RAMFS_NAME_MAX bytes:
 * "/" followed by components separated by single '/', no trailing '/',
 * no control characters.  Only files are stored; a directory exists while
 * a file lies under it (docs in drivers/ramfs/ramfs.c).  Every gate
 * returns a value >= 0 or a negated error code (slotgate/errors.h).
 */
#ifndef SLOTGATE_RAMFS_H
#define SLOTGATE_RAMFS_H

#define RAMFS_GATES 80 /* module line: ramfs driver gates=80 */

/* Gate offsets; the pointer class each is registered with in brackets. */
enum ramfs_gate {
	RAMFS_CREATE,     /* (path) [STR_IN]: 0 */
	RAMFS_OPEN,       /* (path) [STR_IN]: fd */
	RAMFS_READ,       /* (fd, buf, n) [HANDLE_BUF_OUT]: bytes read */
	RAMFS_WRITE,      /* (fd, buf, n) [HANDLE_BUF_IN]: bytes written */
	RAMFS_SEEK,       /* (fd, off, whence) [NONE]: the new offset */
	RAMFS_CLOSE,      /* (fd) [NONE]: 0 */
	RAMFS_STAT,       /* (path, st, sizeof *st) [STR_BUF_OUT]: 0 */
	RAMFS_LIST,       /* (dir, buf, n) [STR_BUF_OUT]: bytes written */
	RAMFS_DELETE,     /* (path) [STR_IN]: 0 */
	RAMFS_WRITE_FILE, /* (path, data, n) [STR_BUF_IN]: bytes written */
	RAMFS_READ_FILE,  /* (path, buf, n) [STR_BUF_OUT]: bytes read */
	RAMFS_GATE_COUNT
};

#define RAMFS_NAME_MAX 255          /* bytes of a path, NUL excluded */
#define RAMFS_FDS 64                /* open files at once, all callers */
#define RAMFS_FILE_MAX (16ul << 20) /* bytes of one file (= PTR_BUF_MAX) */

enum ramfs_whence { FS_SEEK_SET, FS_SEEK_CUR, FS_SEEK_END };
enum ramfs_kind { FS_KIND_FILE = 1, FS_KIND_DIR = 2 };

/* RAMFS_STAT fills this.  For a directory, size is the number of bytes
 * RAMFS_LIST of it returns (so a caller can size its buffer). */
struct fs_stat {
	unsigned long size;
	unsigned long kind; /* FS_KIND_FILE or FS_KIND_DIR */
};

#endif
