/*
 * ramfs_core.h - the RAM file system proper: pure C, no system calls.
 *
 * Memory comes from the two hooks given to ramfs_init() (the driver runtime's
 * malloc/free in drivers/ramfs/ramfs.c, the host's in tests/host/test_ramfs.c).
 * Not thread-safe: the caller serialises.  Every function returns a value
 * >= 0 or a negated error code; the semantics are in ramfs_core.c.
 */
#ifndef RAMFS_CORE_H
#define RAMFS_CORE_H

#include "slotgate/errors.h"
#include "slotgate/ramfs.h"

typedef unsigned long u64_t; /* as slotgate/sys.h */

struct ramfs_file {
	struct ramfs_file *next; /* the list is sorted by name */
	char *data;
	u64_t size, cap; /* bytes used, bytes allocated */
	u64_t opens;     /* fds on this file */
	u64_t len;       /* of the name */
	char name[];     /* NUL-terminated */
};

struct ramfs_fd {
	struct ramfs_file *file; /* NULL: free */
	u64_t off;               /* always <= file->size */
};

struct ramfs {
	struct ramfs_file *files;
	struct ramfs_fd fds[RAMFS_FDS];
	void *(*alloc)(u64_t size);
	void (*free)(void *p);
	u64_t live_allocs; /* objects from alloc not yet freed */
	u64_t live_bytes;  /* their bytes */
};

void ramfs_init(struct ramfs *fs, void *(*alloc)(u64_t), void (*free)(void *));
/* Close every fd, free every file: live_allocs goes back to 0. */
void ramfs_destroy(struct ramfs *fs);

long ramfs_create(struct ramfs *fs, const char *path);
long ramfs_open(struct ramfs *fs, const char *path);
long ramfs_read(struct ramfs *fs, u64_t fd, void *buf, u64_t n);
long ramfs_write(struct ramfs *fs, u64_t fd, const void *buf, u64_t n);
long ramfs_seek(struct ramfs *fs, u64_t fd, long off, u64_t whence);
long ramfs_close(struct ramfs *fs, u64_t fd);
long ramfs_stat(struct ramfs *fs, const char *path, struct fs_stat *st,
		u64_t size);
long ramfs_list(struct ramfs *fs, const char *dir, char *buf, u64_t n);
long ramfs_delete(struct ramfs *fs, const char *path);
long ramfs_write_file(struct ramfs *fs, const char *path, const void *data,
		      u64_t n);
long ramfs_read_file(struct ramfs *fs, const char *path, void *buf, u64_t n);

#endif
