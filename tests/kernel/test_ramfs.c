/*
 * test_ramfs.c - the RAM file-system driver at ring 3 in its own slot,
 * used by an application (drivers/apps/ftest.c), by kernel code through
 * the same gates, with many files, and by two threads at once.  Each case
 * loads its own instance from the module (the test ISO does not start
 * one) and unloads it, so its heap shows up in no leak count.
 */
#include "bootinfo.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "gate.h"
#include "kstring.h"
#include "ktest.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "slotgate/ramfs.h"

static i64 k(u64 gate, u64 a, u64 b, u64 c)
{
	const u64 args[6] = {a, b, c};
	return gate_call_kernel(RAMFS_GATES + gate, args);
}

static struct driver *load_ramfs(void)
{
	const void *image;
	size_t size;
	struct driver *d = NULL;
	if (!module_find("ramfs", &image, &size) ||
	    driver_load("ramfs", image, size,
			&(struct driver_options){.gate_base = RAMFS_GATES}, &d) != 0)
		return NULL;
	return d;
}

KTEST(ramfs_from_application)
{
	i64 code = -1;
	struct driver *d = load_ramfs();
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	KT_EXPECT_EQ(user_run_module("ftest", 0, &code, NULL), 0);
	KT_EXPECT_EQ(code, 0); /* else: the number of the step that failed */
	driver_unload(d);
}

KTEST(ramfs_from_kernel)
{
	static char buf[9000], data[9000];
	struct fs_stat st;
	struct driver *d = load_ramfs();
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	for (int i = 0; i < 9000; i++)
		data[i] = (char)i;
	KT_EXPECT_EQ(k(RAMFS_WRITE_FILE, (u64) "/k/one", (u64)data, 9000), 9000);
	KT_EXPECT_EQ(k(RAMFS_READ_FILE, (u64) "/k/one", (u64)buf, 9000), 9000);
	KT_EXPECT(memcmp(buf, data, 9000) == 0);
	KT_EXPECT_EQ(k(RAMFS_STAT, (u64) "/k", (u64)&st, sizeof(st)), 0);
	KT_EXPECT_EQ(st.kind, FS_KIND_DIR);
	KT_EXPECT_EQ(k(RAMFS_LIST, (u64) "/", (u64)buf, sizeof(buf)), 7);
	KT_EXPECT(memcmp(buf, "/k/one\n", 7) == 0);
	i64 fd = k(RAMFS_OPEN, (u64) "/k/one", 0, 0);
	KT_EXPECT(fd >= 0);
	KT_EXPECT_EQ(k(RAMFS_SEEK, (u64)fd, 8990, FS_SEEK_SET), 8990);
	KT_EXPECT_EQ(k(RAMFS_READ, (u64)fd, (u64)buf, 100), 10);
	KT_EXPECT_EQ(k(RAMFS_CLOSE, (u64)fd, 0, 0), 0);
	KT_EXPECT_EQ(k(RAMFS_DELETE, (u64) "/k/one", 0, 0), 0);
	KT_EXPECT_EQ(k(RAMFS_DELETE, (u64) "/k/one", 0, 0), -E_NOENT);
	driver_unload(d);
}

KTEST(ramfs_many_files)
{
	static char data[256], back[256];
	char name[32];
	struct fs_stat st;
	struct driver *d = load_ramfs();
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	for (int i = 0; i < 256; i++)
		data[i] = (char)(i * 3);
	bool ok = true;
	for (int i = 0; i < 200; i++) {
		ksnprintf(name, sizeof(name), "/many/f%d", i);
		ok &= k(RAMFS_WRITE_FILE, (u64)name, (u64)data, (u64)(i % 256)) == i % 256;
	}
	for (int i = 0; i < 200; i += 7) {
		ksnprintf(name, sizeof(name), "/many/f%d", i);
		ok &= k(RAMFS_READ_FILE, (u64)name, (u64)back, sizeof(back)) == i % 256;
		ok &= memcmp(back, data, (size_t)(i % 256)) == 0;
	}
	KT_EXPECT(ok);
	KT_EXPECT_EQ(k(RAMFS_STAT, (u64) "/many", (u64)&st, sizeof(st)), 0);
	KT_EXPECT(st.size > 200 * 9); /* the listing of 200 names */
	for (int i = 0; i < 200; i++) {
		ksnprintf(name, sizeof(name), "/many/f%d", i);
		ok &= k(RAMFS_DELETE, (u64)name, 0, 0) == 0;
	}
	KT_EXPECT(ok);
	KT_EXPECT_EQ(k(RAMFS_STAT, (u64) "/many", (u64)&st, sizeof(st)), -E_NOENT);
	kprintf("    # ramfs: 200 files written, read, deleted; heap %lu pages\n",
		d->heap_pages);
	driver_unload(d);
}

struct churn {
	int id;
	int bad;
};

static void churn(void *p)
{
	struct churn *c = p;
	char name[32], data[300], back[300];
	for (int n = 0; n < 300; n++) {
		for (int i = 0; i < 300; i++)
			data[i] = (char)(n + i + c->id);
		ksnprintf(name, sizeof(name), "/t%d/f%d", c->id, n % 10);
		if (k(RAMFS_WRITE_FILE, (u64)name, (u64)data, 300) != 300 ||
		    k(RAMFS_READ_FILE, (u64)name, (u64)back, 300) != 300 ||
		    memcmp(data, back, 300) != 0)
			c->bad++;
		if ((n & 1) && k(RAMFS_DELETE, (u64)name, 0, 0) != 0)
			c->bad++;
	}
}

KTEST(ramfs_two_threads)
{
	struct churn a = {1, 0}, b = {2, 0};
	struct driver *d = load_ramfs();
	KT_EXPECT(d != NULL);
	if (!d)
		return;
	struct thread *ta = thread_create(churn, &a);
	struct thread *tb = thread_create(churn, &b);
	thread_join(ta);
	thread_join(tb);
	KT_EXPECT_EQ(a.bad, 0);
	KT_EXPECT_EQ(b.bad, 0);
	driver_unload(d);
}
