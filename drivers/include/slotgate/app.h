/*
 * app.h - the 64-bit application ABI: the one header a program includes.
 *
 * System calls and gates (sys.h, driver.h, abi.h, errors.h), the
 * libc-free runtime in drivers/lib/ (printf.c, string.c, malloc.c; linked
 * into every application and driver) and the RAM file system's client
 * calls (gates RAMFS_GATES + n, slotgate/ramfs.h).  Calls return a value
 * >= 0 or a negated error code (-E_NOENT).
 */
#ifndef SLOTGATE_APP_H
#define SLOTGATE_APP_H

#include <stdarg.h>
#include <stddef.h>

#include "abi.h"
#include "driver.h"
#include "errors.h"
#include "ramfs.h"
#include "sys.h"

#pragma GCC visibility push(hidden) /* drivers: direct calls, no GOT */

/* printf.c: %s %c %d %i %u %x %X %p %% with flags '-' '0', a width (or
 * '*'), a precision for %s, and the modifiers l, ll, z.  printf writes to
 * the kernel console (sys_write) and returns the bytes written; the
 * others return the length the whole output needs and always
 * NUL-terminate when n > 0. */
int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(__printf__, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
	__attribute__((format(__printf__, 3, 0)));

/* string.c: as in the C standard (strnlen as POSIX, strlcpy as BSD: copies
 * at most n - 1 bytes, always terminates when n > 0, returns strlen(src)). */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
size_t strlcpy(char *restrict dst, const char *restrict src, size_t n);

/* malloc.c: 16-byte aligned blocks from the heap heap_grow() extends:
 * a driver's in its slot's selector +1, an application's in selector 1
 * of the application slot (64 MiB each at most). */
void *malloc(size_t n);
void free(void *p);

#pragma GCC visibility pop

/* The RAM file system (drivers/ramfs, slotgate/ramfs.h for the rules). */
static inline long ramfs_call(unsigned gate, u64_t a, u64_t b, u64_t c)
{
	return gate_call(RAMFS_GATES + gate, a, b, c, 0, 0, 0);
}

/* 0, -E_EXIST (a file or a directory is there), -E_INVAL (bad path, or
 * a component of it is a file) or -E_NOMEM. */
static inline long fs_create(const char *path)
{
	return ramfs_call(RAMFS_CREATE, (u64_t)path, 0, 0);
}

/* An fd (offset 0), -E_NOENT, or -E_BUSY when RAMFS_FDS are open. */
static inline long fs_open(const char *path)
{
	return ramfs_call(RAMFS_OPEN, (u64_t)path, 0, 0);
}

/* Up to n bytes from the fd's offset (0 at the end), advancing it. */
static inline long fs_read(long fd, void *buf, u64_t n)
{
	return ramfs_call(RAMFS_READ, (u64_t)fd, (u64_t)buf, n);
}

/* n bytes at the fd's offset, growing the file; -E_NOMEM, -E_RANGE past
 * RAMFS_FILE_MAX. */
static inline long fs_write(long fd, const void *buf, u64_t n)
{
	return ramfs_call(RAMFS_WRITE, (u64_t)fd, (u64_t)buf, n);
}

/* The new offset; -E_INVAL outside [0, size] (no holes). */
static inline long fs_seek(long fd, long off, int whence)
{
	return ramfs_call(RAMFS_SEEK, (u64_t)fd, (u64_t)off, (u64_t)whence);
}

static inline long fs_close(long fd)
{
	return ramfs_call(RAMFS_CLOSE, (u64_t)fd, 0, 0);
}

/* A file: its size; a directory ("/" or a prefix of files): the bytes
 * fs_list() of it returns. */
static inline long fs_stat(const char *path, struct fs_stat *st)
{
	return ramfs_call(RAMFS_STAT, (u64_t)path, (u64_t)st, sizeof(*st));
}

/* The full paths of every file under dir ("/": all), sorted, each ending
 * in '\n'; the bytes written, -E_RANGE if they do not fit in n. */
static inline long fs_list(const char *dir, char *buf, u64_t n)
{
	return ramfs_call(RAMFS_LIST, (u64_t)dir, (u64_t)buf, n);
}

/* 0, -E_NOENT, or -E_BUSY while the file is open. */
static inline long fs_delete(const char *path)
{
	return ramfs_call(RAMFS_DELETE, (u64_t)path, 0, 0);
}

/* Create or replace the file with these n bytes (-E_BUSY while open). */
static inline long fs_write_file(const char *path, const void *data, u64_t n)
{
	return ramfs_call(RAMFS_WRITE_FILE, (u64_t)path, (u64_t)data, n);
}

/* Up to n bytes from the start of the file. */
static inline long fs_read_file(const char *path, void *buf, u64_t n)
{
	return ramfs_call(RAMFS_READ_FILE, (u64_t)path, (u64_t)buf, n);
}

#endif
