/*
 * ramfs_core.c - the RAM file system: files in a sorted list, an fd table.
 *
 * Only files are stored, under their full path ("/a/b.txt").  Directories
 * are implicit: "/a" is a directory while some file lies under "/a/", and
 * "/" always is one.  So a file may not be created where a directory is
 * (-E_EXIST) nor under a file (-E_INVAL), and there is no mkdir.
 * Paths: "/" then components separated by one '/', no trailing '/', no
 * control characters, at most RAMFS_NAME_MAX bytes; not normalised ("."
 * and ".." are plain names).  Offsets never pass the end of a file (no
 * holes); a file holds at most RAMFS_FILE_MAX bytes; its buffer doubles.
 */
#include "ramfs_core.h"

#define MIN_CAP 64
#define ROOT_OK 1  /* the path may be "/" */
#define SLASH_OK 2 /* and may end in '/' (not counted in its length) */

static void *get(struct ramfs *fs, u64_t size)
{
	void *p = fs->alloc(size);
	if (p) {
		fs->live_allocs++;
		fs->live_bytes += size;
	}
	return p;
}

static void put(struct ramfs *fs, void *p, u64_t size)
{
	if (!p)
		return;
	fs->free(p);
	fs->live_allocs--;
	fs->live_bytes -= size;
}

/* The length of @p if it is a valid path, else -E_INVAL. */
static long check_path(const char *p, int flags)
{
	long len;

	if (!p || p[0] != '/')
		return -E_INVAL;
	for (len = 0; p[len]; len++) {
		unsigned char c = (unsigned char)p[len];
		if (len == RAMFS_NAME_MAX || c < 0x20 || c == 0x7f ||
		    (c == '/' && len && p[len - 1] == '/'))
			return -E_INVAL;
	}
	if (len > 1 && p[len - 1] == '/') {
		if (!(flags & SLASH_OK))
			return -E_INVAL;
		len--;
	}
	return len == 1 && !(flags & ROOT_OK) ? -E_INVAL : len;
}

static int same(const char *a, const char *b, u64_t n)
{
	for (u64_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* Does @name lie under the directory of the first @dlen bytes of @dir? */
static int under(const char *name, const char *dir, u64_t dlen)
{
	return dlen == 1 || (same(name, dir, dlen) && name[dlen] == '/');
}

static int before(const char *a, const char *b, u64_t blen)
{
	u64_t i = 0;
	while (i < blen && a[i] == b[i])
		i++;
	return i < blen && (!a[i] || (unsigned char)a[i] < (unsigned char)b[i]);
}

static struct ramfs_file **find(struct ramfs *fs, const char *path, u64_t len)
{
	struct ramfs_file **pp = &fs->files;
	while (*pp && !((*pp)->len == len && same((*pp)->name, path, len)))
		pp = &(*pp)->next;
	return pp;
}

static void unlink_free(struct ramfs *fs, struct ramfs_file **pp)
{
	struct ramfs_file *f = *pp;
	*pp = f->next;
	put(fs, f->data, f->cap);
	put(fs, f, sizeof(*f) + f->len + 1);
}

static long make(struct ramfs *fs, const char *path, u64_t len,
		 struct ramfs_file **out)
{
	struct ramfs_file *f, **pp = &fs->files;

	for (f = fs->files; f; f = f->next) {
		if ((f->len == len && same(f->name, path, len)) ||
		    under(f->name, path, len))
			return -E_EXIST;
		if (under(path, f->name, f->len))
			return -E_INVAL;
	}
	if (!(f = get(fs, sizeof(*f) + len + 1)))
		return -E_NOMEM;
	*f = (struct ramfs_file){.len = len};
	__builtin_memcpy(f->name, path, len);
	f->name[len] = 0;
	while (*pp && before((*pp)->name, path, len))
		pp = &(*pp)->next;
	f->next = *pp;
	*pp = f;
	*out = f;
	return 0;
}

static long reserve(struct ramfs *fs, struct ramfs_file *f, u64_t need)
{
	u64_t cap = f->cap * 2 > MIN_CAP ? f->cap * 2 : MIN_CAP;
	char *p;

	if (need <= f->cap)
		return 0;
	if (cap < need)
		cap = need;
	if (cap > RAMFS_FILE_MAX)
		cap = RAMFS_FILE_MAX;
	if (!(p = get(fs, cap)) && cap > need) /* then try just enough */
		p = get(fs, cap = need);
	if (!p)
		return -E_NOMEM;
	if (f->size)
		__builtin_memcpy(p, f->data, f->size);
	put(fs, f->data, f->cap);
	f->data = p;
	f->cap = cap;
	return 0;
}

static struct ramfs_fd *fd_get(struct ramfs *fs, u64_t fd)
{
	return fd < RAMFS_FDS && fs->fds[fd].file ? &fs->fds[fd] : 0;
}

void ramfs_init(struct ramfs *fs, void *(*alloc)(u64_t), void (*free)(void *))
{
	*fs = (struct ramfs){.alloc = alloc, .free = free};
}

void ramfs_destroy(struct ramfs *fs)
{
	for (u64_t i = 0; i < RAMFS_FDS; i++)
		fs->fds[i].file = 0;
	while (fs->files)
		unlink_free(fs, &fs->files);
}

long ramfs_create(struct ramfs *fs, const char *path)
{
	struct ramfs_file *f;
	long len = check_path(path, 0);
	return len < 0 ? len : make(fs, path, (u64_t)len, &f);
}

long ramfs_open(struct ramfs *fs, const char *path)
{
	long len = check_path(path, 0);
	struct ramfs_file *f;

	if (len < 0)
		return len;
	if (!(f = *find(fs, path, (u64_t)len)))
		return -E_NOENT;
	for (long i = 0; i < RAMFS_FDS; i++) {
		if (!fs->fds[i].file) {
			fs->fds[i] = (struct ramfs_fd){f, 0};
			f->opens++;
			return i;
		}
	}
	return -E_BUSY;
}

long ramfs_read(struct ramfs *fs, u64_t fd, void *buf, u64_t n)
{
	struct ramfs_fd *d = fd_get(fs, fd);

	if (!d || (!buf && n))
		return -E_INVAL;
	if (n > d->file->size - d->off)
		n = d->file->size - d->off;
	if (n)
		__builtin_memcpy(buf, d->file->data + d->off, n);
	d->off += n;
	return (long)n;
}

long ramfs_write(struct ramfs *fs, u64_t fd, const void *buf, u64_t n)
{
	struct ramfs_fd *d = fd_get(fs, fd);

	if (!d || (!buf && n))
		return -E_INVAL;
	if (n > RAMFS_FILE_MAX - d->off)
		return -E_RANGE;
	if (reserve(fs, d->file, d->off + n))
		return -E_NOMEM;
	if (n)
		__builtin_memcpy(d->file->data + d->off, buf, n);
	d->off += n;
	if (d->off > d->file->size)
		d->file->size = d->off;
	return (long)n;
}

long ramfs_seek(struct ramfs *fs, u64_t fd, long off, u64_t whence)
{
	struct ramfs_fd *d = fd_get(fs, fd);
	u64_t base;

	if (!d)
		return -E_INVAL;
	switch (whence) {
	case FS_SEEK_SET: base = 0; break;
	case FS_SEEK_CUR: base = d->off; break;
	case FS_SEEK_END: base = d->file->size; break;
	default: return -E_INVAL;
	}
	if (off < -(long)base || off > (long)(d->file->size - base))
		return -E_INVAL;
	d->off = base + (u64_t)off; /* wraps back into [0, size] */
	return (long)d->off;
}

long ramfs_close(struct ramfs *fs, u64_t fd)
{
	struct ramfs_fd *d = fd_get(fs, fd);

	if (!d)
		return -E_INVAL;
	d->file->opens--;
	d->file = 0;
	return 0;
}

/* Write the names under @dir, each ending in '\n', into @buf while they
 * fit in @n; the bytes they all need, and their number in *@count. */
static u64_t walk(struct ramfs *fs, const char *dir, u64_t dlen, char *buf,
		  u64_t n, u64_t *count)
{
	u64_t total = 0;

	*count = 0;
	for (struct ramfs_file *f = fs->files; f; f = f->next) {
		if (!under(f->name, dir, dlen))
			continue;
		if (buf && total + f->len + 1 <= n) {
			__builtin_memcpy(buf + total, f->name, f->len);
			buf[total + f->len] = '\n';
		}
		total += f->len + 1;
		++*count;
	}
	return total;
}

long ramfs_stat(struct ramfs *fs, const char *path, struct fs_stat *st,
		u64_t size)
{
	long len = check_path(path, ROOT_OK);
	struct ramfs_file *f;
	u64_t count, bytes;

	if (size < sizeof(*st)) /* also a 0-byte buffer: the kernel passes NULL */
		return -E_RANGE;
	if (len < 0 || !st)
		return -E_INVAL;
	if ((f = *find(fs, path, (u64_t)len))) {
		*st = (struct fs_stat){f->size, FS_KIND_FILE};
		return 0;
	}
	bytes = walk(fs, path, (u64_t)len, 0, 0, &count);
	if (!count && len > 1)
		return -E_NOENT;
	*st = (struct fs_stat){bytes, FS_KIND_DIR};
	return 0;
}

long ramfs_list(struct ramfs *fs, const char *dir, char *buf, u64_t n)
{
	long len = check_path(dir, ROOT_OK | SLASH_OK);
	u64_t count, bytes;

	if (len < 0 || (!buf && n))
		return -E_INVAL;
	if (*find(fs, dir, (u64_t)len))
		return -E_INVAL; /* a file, not a directory */
	bytes = walk(fs, dir, (u64_t)len, buf, n, &count);
	if (!count && len > 1)
		return -E_NOENT;
	return bytes > n ? -E_RANGE : (long)bytes;
}

long ramfs_delete(struct ramfs *fs, const char *path)
{
	long len = check_path(path, 0);
	struct ramfs_file **pp;

	if (len < 0)
		return len;
	if (!*(pp = find(fs, path, (u64_t)len)))
		return -E_NOENT;
	if ((*pp)->opens)
		return -E_BUSY;
	unlink_free(fs, pp);
	return 0;
}

long ramfs_write_file(struct ramfs *fs, const char *path, const void *data,
		      u64_t n)
{
	long err, len = check_path(path, 0);
	struct ramfs_file *f;
	int created = 0;
	char *p;

	if (len < 0 || (!data && n))
		return -E_INVAL;
	if (n > RAMFS_FILE_MAX)
		return -E_RANGE;
	if ((f = *find(fs, path, (u64_t)len)) && f->opens)
		return -E_BUSY;
	if (!f) {
		if ((err = make(fs, path, (u64_t)len, &f)) < 0)
			return err;
		created = 1;
	}
	/* A new buffer of exactly n bytes when it grows or shrinks by 4x;
	 * the old contents stay if that fails. */
	if (n > f->cap || n < f->cap / 4) {
		if ((p = n ? get(fs, n) : 0) || !n) {
			put(fs, f->data, f->cap);
			f->data = p;
			f->cap = n;
		} else if (n > f->cap) {
			if (created)
				unlink_free(fs, find(fs, path, (u64_t)len));
			return -E_NOMEM;
		}
	}
	if (n)
		__builtin_memcpy(f->data, data, n);
	f->size = n;
	return (long)n;
}

long ramfs_read_file(struct ramfs *fs, const char *path, void *buf, u64_t n)
{
	long len = check_path(path, 0);
	struct ramfs_file *f;

	if (len < 0 || (!buf && n))
		return -E_INVAL;
	if (!(f = *find(fs, path, (u64_t)len)))
		return -E_NOENT;
	if (n > f->size)
		n = f->size;
	if (n)
		__builtin_memcpy(buf, f->data, n);
	return (long)n;
}
