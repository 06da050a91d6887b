/*
 * fuzz_ramfs.c - differential libFuzzer harness for the RAM file system
 * (drivers/ramfs/ramfs_core.c).
 *
 * A random sequence of the eleven operations (paths built from a few
 * pieces, so they collide, nest, end in '/', hold control bytes or run
 * past RAMFS_NAME_MAX; fds in and out of range; offsets and sizes at the
 * edges) runs on ramfs_core and on a model written from the semantics in
 * ramfs_core.c's header and slotgate/ramfs.h: a flat array of (path,
 * bytes) and an fd table, with "directory" and "under" computed from the
 * strings every time.  Each result must be the model's; after every step
 * the file list (sorted, names, sizes, bytes), every fd (file, offset)
 * and the open counts must be the model's.
 *
 * The allocator fails where the input says: an operation that gets
 * -E_NOMEM must have changed nothing, and the file system's own count of
 * live allocations must match the allocator's at every step and drop to
 * zero at ramfs_destroy().
 *
 *   make fuzz (build/fuzz/fuzz_ramfs), tests/host/fuzz/corpus/ramfs/
 */
#include "fuzz_input.h"
#include "ramfs_core.h"

#include <stdbool.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the allocator ---------------------------------------------------------- */

static long live;      /* blocks out */
static int fail_after; /* this many more succeed, then all fail; -1: never */

static void *f_alloc(u64_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	void *p = malloc(n ? n : 1);
	if (p)
		live++;
	return p;
}

static void f_free(void *p)
{
	if (p)
		live--;
	free(p);
}

/* --- the model ------------------------------------------------------------ */

#define FILES_MAX 96
#define PATH_MAX_ 400
#define DATA_MAX 8192 /* a model file holds at most this (writes are bounded) */

struct mfile {
	char name[PATH_MAX_];
	unsigned char bytes[DATA_MAX];
	u64_t size;
	bool used;
};

struct mfd {
	int file; /* -1: free */
	u64_t off;
};

static struct mfile mf[FILES_MAX];
static struct mfd mfd[RAMFS_FDS];

/* A valid path ("/" then components split by one '/', no control bytes,
 * at most RAMFS_NAME_MAX bytes); @root allows "/", @slash a trailing '/'
 * (not part of the name).  Its length without that slash, or -1. */
static long valid(const char *p, bool root, bool slash)
{
	size_t n = strlen(p);
	if (n == 0 || p[0] != '/' || n > RAMFS_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f || (c == '/' && i > 0 && p[i - 1] == '/'))
			return -1;
	}
	if (n > 1 && p[n - 1] == '/') {
		if (!slash)
			return -1;
		n--;
	}
	if (n == 1 && !root)
		return -1;
	return (long)n;
}

static int mfind(const char *p, size_t n)
{
	for (int i = 0; i < FILES_MAX; i++)
		if (mf[i].used && strlen(mf[i].name) == n && memcmp(mf[i].name, p, n) == 0)
			return i;
	return -1;
}

/* @name lies under the directory spelt by @dir's first @n bytes. */
static bool munder(const char *name, const char *dir, size_t n)
{
	return n == 1 || (strncmp(name, dir, n) == 0 && name[n] == '/');
}

static int mopens(int f)
{
	int c = 0;
	for (int i = 0; i < RAMFS_FDS; i++)
		c += mfd[i].file == f;
	return c;
}

/* The names under @dir's first @n bytes, sorted, each with '\n'. */
static u64_t mlist(const char *dir, size_t n, char *out, u64_t *count)
{
	int order[FILES_MAX], k = 0;
	for (int i = 0; i < FILES_MAX; i++)
		if (mf[i].used && munder(mf[i].name, dir, n))
			order[k++] = i;
	for (int i = 1; i < k; i++) /* insertion sort, by unsigned bytes */
		for (int j = i; j > 0 && strcmp(mf[order[j - 1]].name, mf[order[j]].name) > 0; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	u64_t total = 0;
	for (int i = 0; i < k; i++) {
		size_t l = strlen(mf[order[i]].name);
		if (out) {
			memcpy(out + total, mf[order[i]].name, l);
			out[total + l] = '\n';
		}
		total += l + 1;
	}
	*count = (u64_t)k;
	return total;
}

/* Create @p (valid, @n bytes): 0, -E_EXIST or -E_INVAL; the index. */
static long mcreate(const char *p, size_t n, int *out)
{
	for (int i = 0; i < FILES_MAX; i++) {
		if (!mf[i].used)
			continue;
		size_t l = strlen(mf[i].name);
		if ((l == n && memcmp(mf[i].name, p, n) == 0) || munder(mf[i].name, p, n))
			return -E_EXIST; /* the file, or a directory */
		if (n > l && memcmp(p, mf[i].name, l) == 0 && p[l] == '/')
			return -E_INVAL; /* under a file */
	}
	for (int i = 0; i < FILES_MAX; i++)
		if (!mf[i].used) {
			memset(&mf[i], 0, sizeof(mf[i]));
			memcpy(mf[i].name, p, n);
			mf[i].used = true;
			*out = i;
			return 0;
		}
	abort(); /* the harness creates at most FILES_MAX files */
}

static int mcount(void)
{
	int n = 0;
	for (int i = 0; i < FILES_MAX; i++)
		n += mf[i].used;
	return n;
}

/* --- comparing ------------------------------------------------------------- */

static struct ramfs fs;

static void same_state(void)
{
	/* The list is sorted and holds exactly the model's files. */
	int n = 0;
	const struct ramfs_file *prev = NULL;
	for (const struct ramfs_file *f = fs.files; f; f = f->next, n++) {
		if (prev)
			FUZZ_CHECK(strcmp(prev->name, f->name) < 0);
		prev = f;
		FUZZ_CHECK(f->len == strlen(f->name));
		int m = mfind(f->name, f->len);
		FUZZ_CHECK(m >= 0);
		FUZZ_CHECK(f->size == mf[m].size && f->size <= f->cap);
		FUZZ_CHECK(f->size == 0 || memcmp(f->data, mf[m].bytes, f->size) == 0);
		FUZZ_CHECK(f->opens == (u64_t)mopens(m));
	}
	int used = 0;
	for (int i = 0; i < FILES_MAX; i++)
		used += mf[i].used;
	FUZZ_CHECK(n == used);
	for (int i = 0; i < RAMFS_FDS; i++) {
		if (mfd[i].file < 0) {
			FUZZ_CHECK(fs.fds[i].file == NULL);
			continue;
		}
		FUZZ_CHECK(fs.fds[i].file != NULL);
		FUZZ_CHECK(strcmp(fs.fds[i].file->name, mf[mfd[i].file].name) == 0);
		FUZZ_CHECK(fs.fds[i].off == mfd[i].off && mfd[i].off <= mf[mfd[i].file].size);
	}
	FUZZ_CHECK((long)fs.live_allocs == live);
}

/* --- inputs ---------------------------------------------------------------- */

static void pick_path(struct fuzz_in *in, char *out)
{
	static const char *const pieces[] = {
		"/a", "/b", "/ab", "/a/b", "/c", "/", "//", "/.", "/..", "x",
		"\x01", "\x7f", "/\xff", "/a/b/c", "/b/a", "/~",
	};
	size_t n = 0;
	unsigned k = 1 + fuzz_pick(in, 4);
	out[0] = 0;
	if (fuzz_u8(in) == 0xff) { /* long: around RAMFS_NAME_MAX */
		size_t len = RAMFS_NAME_MAX - 3 + fuzz_pick(in, 6);
		out[0] = '/';
		memset(out + 1, 'z', len - 1);
		out[len] = 0;
		return;
	}
	for (unsigned i = 0; i < k; i++) {
		const char *p = pieces[fuzz_pick(in, 16)];
		size_t l = strlen(p);
		memcpy(out + n, p, l);
		n += l;
	}
	out[n] = 0;
}

static u64_t pick_fd(struct fuzz_in *in)
{
	uint8_t c = fuzz_u8(in);
	return c < 200 ? c % 8 : c < 250 ? (u64_t)RAMFS_FDS - 2 + c % 4 : fuzz_u64(in);
}

static unsigned char buf[DATA_MAX + 64], out[DATA_MAX + 64], want[DATA_MAX + 64];

static u64_t pick_n(struct fuzz_in *in)
{
	uint8_t c = fuzz_u8(in);
	if (c < 100)
		return c;
	if (c < 200)
		return fuzz_u16(in) % 3000;
	if (c < 250)
		return 4096 + c % 8;
	return RAMFS_FILE_MAX + c % 3 - 1; /* refused before any allocation */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	char path[PATH_MAX_];

	memset(mf, 0, sizeof(mf));
	for (int i = 0; i < RAMFS_FDS; i++)
		mfd[i] = (struct mfd){-1, 0};
	live = 0;
	fail_after = -1;
	ramfs_init(&fs, f_alloc, f_free);
	for (unsigned step = 0; step < 200 && fuzz_more(&in); step++) {
		uint8_t op = fuzz_u8(&in);
		/* One step in eight runs out of memory after a few blocks. */
		bool failing = (op & 0xe0) == 0xe0;
		fail_after = failing ? (int)fuzz_pick(&in, 3) : -1;
		long got, exp;
		switch (op % 11) {
		case RAMFS_CREATE: {
			pick_path(&in, path);
			long n = valid(path, false, false);
			int f;
			if (n >= 0 && mcount() >= FILES_MAX - 1)
				continue; /* the model is full */
			got = ramfs_create(&fs, path);
			if (n < 0)
				exp = -E_INVAL;
			else if ((exp = mcreate(path, (size_t)n, &f)) == 0 && got == -E_NOMEM &&
				 failing) {
				mf[f].used = false; /* out of memory: nothing made */
				exp = -E_NOMEM;
			}
			break;
		}
		case RAMFS_OPEN: {
			pick_path(&in, path);
			long n = valid(path, false, false);
			int f = n < 0 ? -1 : mfind(path, (size_t)n);
			got = ramfs_open(&fs, path);
			exp = n < 0 ? -E_INVAL : f < 0 ? -E_NOENT : -E_BUSY;
			for (int i = 0; f >= 0 && i < RAMFS_FDS; i++)
				if (mfd[i].file < 0) {
					mfd[i] = (struct mfd){f, 0};
					exp = i;
					break;
				}
			break;
		}
		case RAMFS_READ: {
			u64_t fd = pick_fd(&in), n = pick_n(&in);
			if (n > DATA_MAX)
				n = DATA_MAX;
			got = ramfs_read(&fs, fd, out, n);
			if (fd >= RAMFS_FDS || mfd[fd].file < 0) {
				exp = -E_INVAL;
				break;
			}
			struct mfd *d = &mfd[fd];
			u64_t left = mf[d->file].size - d->off;
			exp = (long)(n < left ? n : left);
			if (got == exp)
				FUZZ_CHECK(memcmp(out, mf[d->file].bytes + d->off, (size_t)exp) == 0);
			d->off += (u64_t)exp;
			break;
		}
		case RAMFS_WRITE: {
			u64_t fd = pick_fd(&in), n = pick_n(&in);
			for (u64_t i = 0; i < n && i < sizeof(buf); i++)
				buf[i] = (unsigned char)(step * 31 + i);
			struct mfd *d = fd < RAMFS_FDS && mfd[fd].file >= 0 ? &mfd[fd] : NULL;
			if (d && n <= RAMFS_FILE_MAX - d->off && d->off + n > DATA_MAX)
				n = DATA_MAX - d->off; /* keep files model-sized */
			got = ramfs_write(&fs, fd, buf, n);
			if (!d)
				exp = -E_INVAL;
			else if (n > RAMFS_FILE_MAX - d->off)
				exp = -E_RANGE;
			else if (got == -E_NOMEM && failing && n && d->off + n > mf[d->file].size)
				exp = -E_NOMEM; /* it had to grow: allowed, nothing written */
			else {
				memcpy(mf[d->file].bytes + d->off, buf, n);
				d->off += n;
				if (d->off > mf[d->file].size)
					mf[d->file].size = d->off;
				exp = (long)n;
			}
			break;
		}
		case RAMFS_SEEK: {
			u64_t fd = pick_fd(&in), whence = fuzz_pick(&in, 4);
			long off = (long)(int16_t)fuzz_u16(&in);
			if (fuzz_u8(&in) == 0xff)
				off = (long)fuzz_u64(&in);
			got = ramfs_seek(&fs, fd, off, whence);
			if (fd >= RAMFS_FDS || mfd[fd].file < 0 || whence > FS_SEEK_END) {
				exp = -E_INVAL;
				break;
			}
			struct mfd *d = &mfd[fd];
			__int128 base = whence == FS_SEEK_SET ? 0
				      : whence == FS_SEEK_CUR ? (__int128)d->off
							      : (__int128)mf[d->file].size;
			__int128 to = base + off;
			if (to < 0 || to > (__int128)mf[d->file].size) {
				exp = -E_INVAL;
			} else {
				d->off = (u64_t)to;
				exp = (long)to;
			}
			break;
		}
		case RAMFS_CLOSE: {
			u64_t fd = pick_fd(&in);
			got = ramfs_close(&fs, fd);
			exp = fd >= RAMFS_FDS || mfd[fd].file < 0 ? -E_INVAL : 0;
			if (!exp)
				mfd[fd].file = -1;
			break;
		}
		case RAMFS_STAT: {
			pick_path(&in, path);
			u64_t stsize = fuzz_u8(&in) < 230 ? sizeof(struct fs_stat) : fuzz_pick(&in, 17);
			struct fs_stat st = {77, 77};
			long n = valid(path, true, false);
			got = ramfs_stat(&fs, path, &st, stsize);
			u64_t count, bytes;
			int f = n < 0 ? -1 : mfind(path, (size_t)n);
			struct fs_stat w = {77, 77};
			if (stsize < sizeof(struct fs_stat))
				exp = -E_RANGE;
			else if (n < 0)
				exp = -E_INVAL;
			else if (f >= 0)
				exp = 0, w = (struct fs_stat){mf[f].size, FS_KIND_FILE};
			else if (bytes = mlist(path, (size_t)n, NULL, &count), !count && n > 1)
				exp = -E_NOENT;
			else
				exp = 0, w = (struct fs_stat){bytes, FS_KIND_DIR};
			FUZZ_CHECK(st.size == w.size && st.kind == w.kind);
			break;
		}
		case RAMFS_LIST: {
			pick_path(&in, path);
			u64_t n = pick_n(&in), count;
			if (n > DATA_MAX)
				n = DATA_MAX;
			long len = valid(path, true, true);
			memset(out, '#', n);
			got = ramfs_list(&fs, path, (char *)out, n);
			if (len < 0)
				exp = -E_INVAL;
			else if (mfind(path, (size_t)len) >= 0)
				exp = -E_INVAL;
			else {
				u64_t bytes = mlist(path, (size_t)len, NULL, &count);
				if (!count && len > 1)
					exp = -E_NOENT;
				else if (bytes > n)
					exp = -E_RANGE;
				else {
					mlist(path, (size_t)len, (char *)want, &count);
					exp = (long)bytes;
					if (got == exp)
						FUZZ_CHECK(memcmp(out, want, bytes) == 0);
				}
			}
			break;
		}
		case RAMFS_DELETE: {
			pick_path(&in, path);
			long n = valid(path, false, false);
			int f = n < 0 ? -1 : mfind(path, (size_t)n);
			got = ramfs_delete(&fs, path);
			exp = n < 0 ? -E_INVAL : f < 0 ? -E_NOENT : mopens(f) ? -E_BUSY : 0;
			if (!exp)
				mf[f].used = false;
			break;
		}
		case RAMFS_WRITE_FILE: {
			pick_path(&in, path);
			u64_t n = pick_n(&in);
			if (n > DATA_MAX && n <= RAMFS_FILE_MAX)
				n = DATA_MAX;
			for (u64_t i = 0; i < n && i < sizeof(buf); i++)
				buf[i] = (unsigned char)(step * 17 + i * 3);
			long len = valid(path, false, false);
			int f = len < 0 ? -1 : mfind(path, (size_t)len);
			if (len >= 0 && f < 0 && mcount() >= FILES_MAX - 1)
				continue; /* the model is full */
			got = ramfs_write_file(&fs, path, buf, n);
			bool was_there = f >= 0;
			if (len < 0)
				exp = -E_INVAL;
			else if (n > RAMFS_FILE_MAX)
				exp = -E_RANGE;
			else if (was_there && mopens(f))
				exp = -E_BUSY;
			else if (!was_there && (exp = mcreate(path, (size_t)len, &f)) != 0)
				; /* -E_EXIST, -E_INVAL */
			else if (got == -E_NOMEM && failing && (!was_there || n > mf[f].size)) {
				/* Out of memory (it had to allocate): a file this
				 * call made is gone again, an old one keeps its bytes. */
				exp = -E_NOMEM;
				if (!was_there)
					mf[f].used = false;
			} else {
				memcpy(mf[f].bytes, buf, n);
				mf[f].size = n;
				exp = (long)n;
			}
			break;
		}
		default: { /* RAMFS_READ_FILE */
			pick_path(&in, path);
			u64_t n = pick_n(&in);
			if (n > DATA_MAX)
				n = DATA_MAX;
			long len = valid(path, false, false);
			int f = len < 0 ? -1 : mfind(path, (size_t)len);
			got = ramfs_read_file(&fs, path, out, n);
			exp = len < 0 ? -E_INVAL : f < 0 ? -E_NOENT
				: (long)(n < mf[f].size ? n : mf[f].size);
			if (got == exp && exp > 0)
				FUZZ_CHECK(memcmp(out, mf[f].bytes, (size_t)exp) == 0);
			break;
		}
		}
		fail_after = -1;
		if (got != exp)
			fprintf(stderr, "op %u step %u: got %ld, model %ld\n", op % 11, step, got, exp);
		FUZZ_CHECK(got == exp);
		same_state();
	}
	ramfs_destroy(&fs);
	FUZZ_CHECK(fs.files == NULL && fs.live_allocs == 0 && fs.live_bytes == 0 && live == 0);
	return 0;
}
