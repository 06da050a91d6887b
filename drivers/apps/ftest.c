/*
 * ftest.c - the RAM file-system driver used by an application through its
 * gates: files written, read back, listed, stat-ed, seeked and deleted,
 * buffers mapped and bounced, the runtime's printf.  Exits 0, or the
 * number of the first step that failed.
 */
#include "slotgate/app.h"

#define T(n, cond) do { if (!(cond)) { printf("ftest: step %d failed\n", n); return n; } } while (0)

static char big[20000];
static char back[20000];

long main(u64_t arg)
{
	char buf[256];
	struct fs_stat st;
	long fd, r;
	(void)arg;

	T(1, fs_create("/app/hello.txt") == 0);
	T(2, fs_create("/app/hello.txt") == -E_EXIST);
	T(3, (fd = fs_open("/app/hello.txt")) >= 0);
	T(4, fs_write(fd, "hello, ramfs", 12) == 12);
	T(5, fs_seek(fd, 7, FS_SEEK_SET) == 7);
	T(6, fs_read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "ramfs", 5) == 0);
	T(7, fs_seek(fd, 1, FS_SEEK_END) == -E_INVAL);
	T(8, fs_delete("/app/hello.txt") == -E_BUSY);
	T(9, fs_close(fd) == 0);
	T(10, fs_stat("/app/hello.txt", &st) == 0 && st.size == 12 && st.kind == FS_KIND_FILE);
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	T(11, fs_write_file("/app/big", big, sizeof(big)) == (long)sizeof(big));
	T(12, fs_read_file("/app/big", back, sizeof(back)) == (long)sizeof(back));
	T(13, memcmp(big, back, sizeof(big)) == 0);
	r = fs_list("/", buf, sizeof(buf));
	T(14, r == 24 && memcmp(buf, "/app/big\n/app/hello.txt\n", 24) == 0);
	T(15, fs_stat("/app", &st) == 0 && st.kind == FS_KIND_DIR && st.size == 24);
	T(16, fs_list("/", buf, 3) == -E_RANGE);
	T(17, fs_open("/nope") == -E_NOENT);
	T(18, fs_read_file("/app/hello.txt", NULL, 0) == 0);
	T(19, fs_stat("/app/hello.txt", NULL) == -E_PTR_NULL);
	/* 2 pages + a bit, unaligned: mapped pages with bounced ends */
	T(20, (fd = fs_open("/app/big")) >= 0);
	T(21, fs_seek(fd, 100, FS_SEEK_SET) == 100);
	T(22, fs_read(fd, back + 3, 9000) == 9000 && memcmp(back + 3, big + 100, 9000) == 0);
	T(23, fs_write(fd, big, 15000) == 15000);
	T(24, fs_seek(fd, 0, FS_SEEK_END) == 24100);
	T(25, fs_close(fd) == 0);
	T(26, fs_delete("/app/big") == 0 && fs_delete("/app/hello.txt") == 0);
	T(27, fs_list("/", buf, sizeof(buf)) == 0);
	snprintf(buf, sizeof(buf), "%s %d %05x %p", "fmt", -3, 0xab, (void *)0x10);
	T(28, strcmp(buf, "fmt -3 000ab 0x10") == 0);
	char *m = malloc(100000); /* the application's own heap */
	T(29, m != NULL && (memset(m, 7, 100000), m[99999] == 7));
	free(m);
	printf("ftest: all %d steps passed (%s)\n", 29, "printf works");
	return 0;
}
