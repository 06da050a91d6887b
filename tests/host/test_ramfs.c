/*
 * test_ramfs.c - the RAM file system core (drivers/ramfs/ramfs_core.c) on
 * the host: every operation, its error paths and its memory, over a host
 * allocator that counts bytes and can be told to run out.
 */
#include "htest.h"
#include "ramfs_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static u64_t h_live, h_calls, h_limit = (u64_t)-1;

static void *h_alloc(u64_t n)
{
	u64_t *p;

	h_calls++;
	if (h_live + n > h_limit || !(p = malloc(n + 16)))
		return NULL;
	p[0] = n;
	h_live += n;
	memset(p + 2, 0xa5, n); /* no reliance on zeroed memory */
	return p + 2;
}

static void h_free(void *p)
{
	u64_t *q = (u64_t *)p - 2;
	h_live -= q[0];
	free(q);
}

static void setup(struct ramfs *fs)
{
	h_live = h_calls = 0;
	h_limit = (u64_t)-1;
	ramfs_init(fs, h_alloc, h_free);
}

/* Nothing left: the core's counters and the host's agree on zero. */
static int empty(struct ramfs *fs)
{
	return fs->live_allocs == 0 && fs->live_bytes == 0 && h_live == 0;
}

HTEST(ramfs_create_write_read_back)
{
	struct ramfs fs;
	struct fs_stat st;
	char buf[64] = {0};
	long fd;

	setup(&fs);
	CHECK_EQ(ramfs_create(&fs, "/a.txt"), 0);
	CHECK((fd = ramfs_open(&fs, "/a.txt")) >= 0);
	CHECK_EQ(ramfs_write(&fs, fd, "hello, world", 12), 12);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_SET), 0);
	CHECK_EQ(ramfs_read(&fs, fd, buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "hello, world", 12) == 0);
	CHECK_EQ(ramfs_read(&fs, fd, buf, sizeof(buf)), 0); /* at the end */
	CHECK_EQ(ramfs_close(&fs, fd), 0);
	CHECK_EQ(ramfs_stat(&fs, "/a.txt", &st, sizeof(st)), 0);
	CHECK_EQ(st.size, 12);
	CHECK_EQ(st.kind, FS_KIND_FILE);
	CHECK_EQ(ramfs_read_file(&fs, "/a.txt", buf, 5), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(ramfs_list(&fs, "/", buf, sizeof(buf)), 7);
	CHECK(memcmp(buf, "/a.txt\n", 7) == 0);
	CHECK_EQ(fs.live_bytes, h_live);
	CHECK_EQ(ramfs_delete(&fs, "/a.txt"), 0);
	CHECK_EQ(ramfs_open(&fs, "/a.txt"), -E_NOENT);
	CHECK_EQ(ramfs_list(&fs, "/", buf, sizeof(buf)), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_many_files)
{
	enum { N = 200 };
	static char list[N * 32];
	struct ramfs fs;
	struct fs_stat st;
	char name[32], data[64];
	long bytes = 0;

	setup(&fs);
	for (int i = N - 1; i >= 0; i--) { /* backwards: the list sorts */
		snprintf(name, sizeof(name), "/d%d/f%03d", i % 3, i);
		snprintf(data, sizeof(data), "contents of file %d", i);
		CHECK_EQ(ramfs_write_file(&fs, name, data, strlen(data) + 1),
			 (long)strlen(data) + 1);
		bytes += (long)strlen(name) + 1;
	}
	CHECK_EQ(ramfs_stat(&fs, "/", &st, sizeof(st)), 0);
	CHECK_EQ(st.kind, FS_KIND_DIR);
	CHECK_EQ(st.size, bytes);
	CHECK_EQ(ramfs_list(&fs, "/", list, sizeof(list)), bytes);
	CHECK(memcmp(list, "/d0/f000\n/d0/f003\n", 18) == 0);
	CHECK_EQ(ramfs_list(&fs, "/d1", list, sizeof(list)), 67 * 9);
	CHECK(memcmp(list, "/d1/f001\n/d1/f004\n", 18) == 0);
	CHECK_EQ(ramfs_stat(&fs, "/d2", &st, sizeof(st)), 0);
	CHECK_EQ(st.size, 66 * 9);
	CHECK_EQ(st.kind, FS_KIND_DIR);
	for (int i = 0; i < N; i++) {
		char want[64];
		snprintf(name, sizeof(name), "/d%d/f%03d", i % 3, i);
		snprintf(want, sizeof(want), "contents of file %d", i);
		CHECK_EQ(ramfs_read_file(&fs, name, data, sizeof(data)),
			 (long)strlen(want) + 1);
		CHECK(strcmp(data, want) == 0);
	}
	CHECK_EQ(fs.live_allocs, 2 * N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "/d%d/f%03d", i % 3, i);
		CHECK_EQ(ramfs_delete(&fs, name), 0);
	}
	CHECK_EQ(ramfs_stat(&fs, "/d0", &st, sizeof(st)), -E_NOENT);
	CHECK(empty(&fs));
}

HTEST(ramfs_growth_across_appends)
{
	enum { ROUNDS = 20000 };
	struct ramfs fs;
	char chunk[7], back[7];
	long fd;

	setup(&fs);
	CHECK_EQ(ramfs_create(&fs, "/log"), 0);
	fd = ramfs_open(&fs, "/log");
	for (int i = 0; i < ROUNDS; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		CHECK_EQ(ramfs_write(&fs, fd, chunk, sizeof(chunk)), 7);
	}
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_END), 7 * ROUNDS);
	CHECK_EQ(fs.live_allocs, 2);     /* the file and its buffer */
	CHECK(h_calls < 20);             /* the buffer doubles */
	CHECK(fs.files->cap < 2 * 7 * ROUNDS + 64);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_SET), 0);
	for (int i = 0; i < ROUNDS; i++) {
		CHECK_EQ(ramfs_read(&fs, fd, back, sizeof(back)), 7);
		CHECK(back[0] == 'a' + i % 26 && back[6] == 'a' + i % 26);
	}
	CHECK_EQ(ramfs_close(&fs, fd), 0);
	CHECK_EQ(ramfs_delete(&fs, "/log"), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_seek_semantics)
{
	struct ramfs fs;
	char buf[16] = {0};
	long fd, fd2;

	setup(&fs);
	CHECK_EQ(ramfs_write_file(&fs, "/s", "0123456789", 10), 10);
	fd = ramfs_open(&fs, "/s");
	fd2 = ramfs_open(&fs, "/s");
	CHECK(fd >= 0 && fd2 >= 0 && fd != fd2);
	CHECK_EQ(ramfs_seek(&fs, fd, 4, FS_SEEK_SET), 4);
	CHECK_EQ(ramfs_seek(&fs, fd, 3, FS_SEEK_CUR), 7);
	CHECK_EQ(ramfs_seek(&fs, fd, -2, FS_SEEK_CUR), 5);
	CHECK_EQ(ramfs_seek(&fs, fd, -1, FS_SEEK_END), 9);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_END), 10);
	CHECK_EQ(ramfs_seek(&fs, fd, 10, FS_SEEK_SET), 10);
	/* Outside [0, size], a bad whence: refused, the offset stays. */
	CHECK_EQ(ramfs_seek(&fs, fd, 11, FS_SEEK_SET), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, -1, FS_SEEK_SET), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, 1, FS_SEEK_END), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, -11, FS_SEEK_END), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, 1, FS_SEEK_CUR), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, (long)(~0ul >> 1), FS_SEEK_CUR), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, -(long)(~0ul >> 1) - 1, FS_SEEK_END), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, 3), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, ~0ul), -E_INVAL);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_CUR), 10);
	/* Overwrite in the middle: no growth; the other fd sees it. */
	CHECK_EQ(ramfs_seek(&fs, fd, 2, FS_SEEK_SET), 2);
	CHECK_EQ(ramfs_write(&fs, fd, "AB", 2), 2);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_CUR), 4);
	CHECK_EQ(ramfs_read(&fs, fd2, buf, 5), 5);
	CHECK(memcmp(buf, "01AB4", 5) == 0);
	/* Past the end: grows, the read offset of fd2 is its own. */
	CHECK_EQ(ramfs_seek(&fs, fd, 8, FS_SEEK_SET), 8);
	CHECK_EQ(ramfs_write(&fs, fd, "xyz", 3), 3);
	CHECK_EQ(ramfs_seek(&fs, fd2, 0, FS_SEEK_END), 11);
	CHECK_EQ(ramfs_read(&fs, fd2, buf, 4), 0);
	CHECK_EQ(ramfs_read(&fs, fd, buf, 0), 0);
	CHECK_EQ(ramfs_read_file(&fs, "/s", buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "01AB4567xyz", 11) == 0);
	CHECK_EQ(ramfs_close(&fs, fd), 0);
	CHECK_EQ(ramfs_close(&fs, fd2), 0);
	CHECK_EQ(ramfs_delete(&fs, "/s"), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_path_rules)
{
	static const char *const bad[] = {
		"", "a", "a/b", "/", "//", "/a/", "/a//b", "//a", "/a\nb",
		"/tab\there", "/del\x7f",
	};
	struct ramfs fs;
	char name[RAMFS_NAME_MAX + 2];

	setup(&fs);
	CHECK_EQ(ramfs_create(&fs, NULL), -E_INVAL);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(ramfs_create(&fs, bad[i]), -E_INVAL);
		CHECK_EQ(ramfs_open(&fs, bad[i]), -E_INVAL);
		CHECK_EQ(ramfs_delete(&fs, bad[i]), -E_INVAL);
		CHECK_EQ(ramfs_write_file(&fs, bad[i], "x", 1), -E_INVAL);
		CHECK_EQ(ramfs_read_file(&fs, bad[i], name, 1), -E_INVAL);
	}
	/* 255 bytes is the longest name; 256 is refused. */
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[RAMFS_NAME_MAX] = 0;
	CHECK_EQ(ramfs_create(&fs, name), 0);
	CHECK_EQ(ramfs_create(&fs, name), -E_EXIST);
	name[RAMFS_NAME_MAX] = 'n';
	name[RAMFS_NAME_MAX + 1] = 0;
	CHECK_EQ(ramfs_create(&fs, name), -E_INVAL);
	CHECK_EQ(ramfs_open(&fs, name), -E_INVAL);
	name[RAMFS_NAME_MAX] = 0;
	CHECK_EQ(ramfs_delete(&fs, name), 0);
	/* Implicit directories: no file where one is, none under a file. */
	CHECK_EQ(ramfs_create(&fs, "/d/x"), 0);
	CHECK_EQ(ramfs_create(&fs, "/d"), -E_EXIST);
	CHECK_EQ(ramfs_write_file(&fs, "/d", "x", 1), -E_EXIST);
	CHECK_EQ(ramfs_create(&fs, "/d/x/y"), -E_INVAL);
	CHECK_EQ(ramfs_create(&fs, "/dx"), 0); /* a prefix, not a parent */
	CHECK_EQ(ramfs_create(&fs, "/d/x2"), 0);
	CHECK_EQ(ramfs_create(&fs, "/."), 0); /* not normalised */
	CHECK_EQ(ramfs_open(&fs, "/d"), -E_NOENT);
	CHECK_EQ(ramfs_open(&fs, "/nothing"), -E_NOENT);
	CHECK_EQ(ramfs_delete(&fs, "/nothing"), -E_NOENT);
	CHECK_EQ(ramfs_delete(&fs, "/d"), -E_NOENT);
	CHECK_EQ(ramfs_read_file(&fs, "/nothing", name, 1), -E_NOENT);
	ramfs_destroy(&fs);
	CHECK(empty(&fs));
}

HTEST(ramfs_fd_rules)
{
	struct ramfs fs;
	char buf[4];
	long fd;

	setup(&fs);
	CHECK_EQ(ramfs_create(&fs, "/f"), 0);
	for (u64_t bad = RAMFS_FDS; bad; bad = bad == RAMFS_FDS ? ~0ul : 0) {
		CHECK_EQ(ramfs_read(&fs, bad, buf, 1), -E_INVAL);
		CHECK_EQ(ramfs_write(&fs, bad, buf, 1), -E_INVAL);
		CHECK_EQ(ramfs_seek(&fs, bad, 0, FS_SEEK_SET), -E_INVAL);
		CHECK_EQ(ramfs_close(&fs, bad), -E_INVAL);
	}
	CHECK_EQ(ramfs_read(&fs, 0, buf, 1), -E_INVAL); /* never opened */
	for (long i = 0; i < RAMFS_FDS; i++)
		CHECK_EQ(ramfs_open(&fs, "/f"), i);
	CHECK_EQ(ramfs_open(&fs, "/f"), -E_BUSY); /* the table is full */
	CHECK_EQ(ramfs_close(&fs, 17), 0);
	CHECK_EQ(ramfs_close(&fs, 17), -E_INVAL);
	CHECK_EQ(ramfs_write(&fs, 17, "x", 1), -E_INVAL);
	CHECK_EQ(ramfs_open(&fs, "/f"), 17); /* the lowest free one */
	fd = 17;
	CHECK_EQ(ramfs_read(&fs, fd, NULL, 1), -E_INVAL);
	CHECK_EQ(ramfs_write(&fs, fd, NULL, 1), -E_INVAL);
	CHECK_EQ(ramfs_write(&fs, fd, NULL, 0), 0);
	CHECK_EQ(ramfs_write(&fs, fd, buf, RAMFS_FILE_MAX + 1), -E_RANGE);
	CHECK_EQ(ramfs_write(&fs, fd, buf, ~0ul), -E_RANGE);
	CHECK_EQ(ramfs_write(&fs, fd, "ab", 2), 2);
	CHECK_EQ(ramfs_write(&fs, fd, buf, RAMFS_FILE_MAX - 1), -E_RANGE);
	CHECK_EQ(fs.files->opens, RAMFS_FDS);
	/* Open files cannot be deleted or replaced. */
	CHECK_EQ(ramfs_delete(&fs, "/f"), -E_BUSY);
	CHECK_EQ(ramfs_write_file(&fs, "/f", "x", 1), -E_BUSY);
	for (long i = 0; i < RAMFS_FDS; i++)
		CHECK_EQ(ramfs_close(&fs, (u64_t)i), 0);
	CHECK_EQ(fs.files->opens, 0);
	CHECK_EQ(ramfs_read_file(&fs, "/f", buf, sizeof(buf)), 2);
	CHECK_EQ(ramfs_delete(&fs, "/f"), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_list_and_stat_rules)
{
	struct ramfs fs;
	struct fs_stat st;
	char buf[64];

	setup(&fs);
	CHECK_EQ(ramfs_list(&fs, "/", buf, sizeof(buf)), 0);
	CHECK_EQ(ramfs_list(&fs, "/", NULL, 0), 0);
	CHECK_EQ(ramfs_stat(&fs, "/", &st, sizeof(st)), 0);
	CHECK(st.size == 0 && st.kind == FS_KIND_DIR);
	CHECK_EQ(ramfs_list(&fs, "/none", buf, sizeof(buf)), -E_NOENT);
	CHECK_EQ(ramfs_stat(&fs, "/none", &st, sizeof(st)), -E_NOENT);
	CHECK_EQ(ramfs_write_file(&fs, "/b/two", "2", 1), 1);
	CHECK_EQ(ramfs_write_file(&fs, "/b/one", "1", 1), 1);
	CHECK_EQ(ramfs_write_file(&fs, "/a", "", 0), 0);
	/* "/a\n/b/one\n/b/two\n" is 17 bytes: exact fits, one less not. */
	CHECK_EQ(ramfs_list(&fs, "/", buf, 17), 17);
	CHECK(memcmp(buf, "/a\n/b/one\n/b/two\n", 17) == 0);
	CHECK_EQ(ramfs_list(&fs, "/", buf, 16), -E_RANGE);
	CHECK_EQ(ramfs_list(&fs, "/", buf, 0), -E_RANGE);
	CHECK_EQ(ramfs_list(&fs, "/", NULL, 5), -E_INVAL);
	CHECK_EQ(ramfs_list(&fs, "/b", buf, sizeof(buf)), 14);
	CHECK_EQ(ramfs_list(&fs, "/b/", buf, sizeof(buf)), 14);
	CHECK(memcmp(buf, "/b/one\n/b/two\n", 14) == 0);
	CHECK_EQ(ramfs_list(&fs, "/a", buf, sizeof(buf)), -E_INVAL); /* a file */
	CHECK_EQ(ramfs_list(&fs, "b", buf, sizeof(buf)), -E_INVAL);
	CHECK_EQ(ramfs_list(&fs, "/b//", buf, sizeof(buf)), -E_INVAL);
	CHECK_EQ(ramfs_list(&fs, NULL, buf, sizeof(buf)), -E_INVAL);
	CHECK_EQ(ramfs_stat(&fs, "/b", &st, sizeof(st)), 0);
	CHECK(st.size == 14 && st.kind == FS_KIND_DIR);
	CHECK_EQ(ramfs_stat(&fs, "/a", &st, sizeof(st)), 0);
	CHECK(st.size == 0 && st.kind == FS_KIND_FILE);
	CHECK_EQ(ramfs_stat(&fs, "/a", &st, sizeof(st) - 1), -E_RANGE);
	CHECK_EQ(ramfs_stat(&fs, "/a", NULL, sizeof(st)), -E_INVAL);
	CHECK_EQ(ramfs_stat(&fs, "/a", NULL, 0), -E_RANGE);
	CHECK_EQ(ramfs_stat(&fs, "/b/", &st, sizeof(st)), -E_INVAL);
	CHECK_EQ(ramfs_stat(&fs, "", &st, sizeof(st)), -E_INVAL);
	ramfs_destroy(&fs);
	CHECK(empty(&fs));
}

HTEST(ramfs_write_file_replaces)
{
	static char big[4096];
	struct ramfs fs;
	char buf[8];

	setup(&fs);
	memset(big, 'B', sizeof(big));
	CHECK_EQ(ramfs_write_file(&fs, "/w", big, sizeof(big)), 4096);
	CHECK_EQ(fs.files->cap, 4096);
	CHECK_EQ(ramfs_write_file(&fs, "/w", "small", 5), 5); /* shrinks */
	CHECK_EQ(fs.files->cap, 5);
	CHECK_EQ(ramfs_read_file(&fs, "/w", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "small", 5) == 0);
	CHECK_EQ(ramfs_write_file(&fs, "/w", "tiny", 4), 4); /* in place */
	CHECK_EQ(fs.files->cap, 5);
	CHECK_EQ(ramfs_read_file(&fs, "/w", buf, 2), 2);
	CHECK_EQ(ramfs_read_file(&fs, "/w", NULL, 0), 0);
	CHECK_EQ(ramfs_read_file(&fs, "/w", NULL, 1), -E_INVAL);
	CHECK_EQ(ramfs_write_file(&fs, "/w", NULL, 0), 0); /* emptied */
	CHECK_EQ(fs.live_allocs, 1);
	CHECK_EQ(ramfs_write_file(&fs, "/w", NULL, 1), -E_INVAL);
	CHECK_EQ(ramfs_write_file(&fs, "/w", big, RAMFS_FILE_MAX + 1), -E_RANGE);
	CHECK_EQ(ramfs_read_file(&fs, "/w", buf, sizeof(buf)), 0);
	CHECK_EQ(ramfs_delete(&fs, "/w"), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_out_of_memory)
{
	struct ramfs fs;
	char buf[256];
	long fd;

	setup(&fs);
	memset(buf, 'm', sizeof(buf));
	/* No memory at all: nothing is created, nothing leaks. */
	h_limit = 0;
	CHECK_EQ(ramfs_create(&fs, "/x"), -E_NOMEM);
	CHECK_EQ(ramfs_write_file(&fs, "/x", "1", 1), -E_NOMEM);
	CHECK_EQ(ramfs_open(&fs, "/x"), -E_NOENT);
	CHECK(empty(&fs));
	/* Room for the file but not its data: write_file leaves no file. */
	h_limit = sizeof(struct ramfs_file) + 3;
	CHECK_EQ(ramfs_write_file(&fs, "/x", "1", 1), -E_NOMEM);
	CHECK_EQ(ramfs_open(&fs, "/x"), -E_NOENT);
	CHECK(empty(&fs));
	/* A write that cannot double falls back to just enough. */
	h_limit = sizeof(struct ramfs_file) + 3 + 100;
	CHECK_EQ(ramfs_create(&fs, "/x"), 0);
	fd = ramfs_open(&fs, "/x");
	CHECK_EQ(ramfs_write(&fs, fd, buf, 100), 100);
	CHECK_EQ(fs.files->cap, 100);
	CHECK_EQ(ramfs_write(&fs, fd, buf, 1), -E_NOMEM); /* 100 + 101 */
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_CUR), 100);
	CHECK_EQ(ramfs_seek(&fs, fd, 0, FS_SEEK_SET), 0);
	CHECK_EQ(ramfs_write(&fs, fd, "over", 4), 4); /* in place: fine */
	CHECK_EQ(ramfs_close(&fs, fd), 0);
	/* A replacement that does not fit keeps the old contents. */
	CHECK_EQ(ramfs_write_file(&fs, "/x", buf, 200), -E_NOMEM);
	CHECK_EQ(ramfs_read_file(&fs, "/x", buf, sizeof(buf)), 100);
	CHECK(memcmp(buf, "overm", 5) == 0);
	/* A shrink that finds no memory keeps the big buffer, still works. */
	h_limit = h_live;
	CHECK_EQ(ramfs_write_file(&fs, "/x", "z", 1), 1);
	CHECK_EQ(fs.files->cap, 100);
	CHECK_EQ(ramfs_read_file(&fs, "/x", buf, sizeof(buf)), 1);
	CHECK_EQ(fs.live_bytes, h_live);
	CHECK_EQ(ramfs_delete(&fs, "/x"), 0);
	CHECK(empty(&fs));
}

HTEST(ramfs_destroy_closes_and_frees)
{
	struct ramfs fs;

	setup(&fs);
	CHECK_EQ(ramfs_write_file(&fs, "/p/q", "data", 4), 4);
	CHECK_EQ(ramfs_write_file(&fs, "/r", "more", 4), 4);
	CHECK(ramfs_open(&fs, "/p/q") >= 0);
	CHECK(ramfs_open(&fs, "/r") >= 0);
	ramfs_destroy(&fs);
	CHECK(empty(&fs));
	CHECK_EQ(ramfs_read(&fs, 0, NULL, 0), -E_INVAL);
	CHECK_EQ(ramfs_open(&fs, "/r"), -E_NOENT);
}
