/*
 * gtest.c - the ring-3 application half of the gate tests: it calls
 * gates and probes what the drivers can see.  Action in the low byte of
 * the argument, a parameter above it (slotgate/gtest.h).
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"
#include "slotgate/ipc.h"
#include "slotgate/ipcfs.h"

static volatile long own_low = 0x1234; /* in selector 0, at 4 MiB + */

static long call(u64_t gate) { return gate_call(gate, 1, 2, 3, 4, 5, 6); }

static long peek(u64_t gate, u64_t addr)
{
	return gate_call(gate, addr, 0, 0, 0, 0, 0);
}

/* Pack the per-round-trip counter deltas: 8 bits each. */
static long counters(void)
{
	struct sys_counters a, b;
	syscall6(SYS_COUNTERS, (u64_t)&a, 0, 0, 0, 0, 0);
	call(NULL_GATES + NULL_ADD);
	syscall6(SYS_COUNTERS, (u64_t)&b, 0, 0, 0, 0, 0);
	return (long)((b.cr3_writes - a.cr3_writes) |
		      (b.invlpgs - a.invlpgs) << 8 |
		      (b.invpcids - a.invpcids) << 16 |
		      (b.pml4e_writes - a.pml4e_writes) << 24 |
		      (b.gate_calls - a.gate_calls) << 32);
}

/* --- long IPC through ipcfs ----------------------------------------------- */

#define FILE_LEN 5000 /* two pages and a bit: items cross page boundaries */

static char file[FILE_LEN], readback[FILE_LEN + 64];
static char big[IPCFS_DATA_MAX + 1];
static const char *const rodata_path = "/t/readonly.txt";

static long ipcfs_round(void)
{
	static const char path[] = "/t/long.bin";
	char *back = readback + 37; /* another page offset than file */
	struct fs_stat st = {0, 0};

	for (int i = 0; i < FILE_LEN; i++)
		file[i] = (char)(i * 7 + 3);
	if (ipcfs_write_file(path, file, FILE_LEN) != FILE_LEN)
		return -1;
	if (ipcfs_read_file(path, back, FILE_LEN) != FILE_LEN)
		return -2;
	for (int i = 0; i < FILE_LEN; i++)
		if (back[i] != file[i])
			return -3;
	if (ipc_call_long(RAMFS_STAT, path, 0, 0, &st, sizeof(st)) != 0 ||
	    st.size != FILE_LEN || st.kind != FS_KIND_FILE)
		return -4;
	if (ipcfs_read_file(path, back, 100) != 100) /* less room: less data */
		return -5;
	/* Through an fd: the fd rides in the label. */
	long fd = ipc_call_long(RAMFS_OPEN, path, 0, 0, 0, 0);
	struct ipcfs_seek to = {4000, FS_SEEK_SET};
	if (fd < 0 || ipc_call_long(IPCFS_LABEL(RAMFS_SEEK, fd), 0, &to, sizeof(to),
				    0, 0) != 4000 ||
	    ipc_call_long(IPCFS_LABEL(RAMFS_READ, fd), 0, 0, 0, back, 64) != 64 ||
	    back[0] != file[4000] || back[63] != file[4063] ||
	    ipc_call_long(IPCFS_LABEL(RAMFS_CLOSE, fd), 0, 0, 0, 0, 0) != 0)
		return -6;
	if (ipcfs_delete(path) != 0)
		return -7;
	if (ipcfs_read_file(path, back, FILE_LEN) != -E_NOENT)
		return -8;
	return 0;
}

/* A fresh heap page, the page after it unmapped, filled with 'a'. */
static char *page_before_hole(void)
{
	char *p = (char *)syscall6(SYS_HEAP_GROW, 1, 0, 0, 0, 0, 0);
	if ((long)p < 0)
		return 0;
	for (int i = 0; i < 4096; i++)
		p[i] = 'a';
	return p;
}

static long ipc_bad(u64_t c)
{
	const char *kernel = (const char *)0xffffffff80100000ul;
	char unterminated[IPC_STR_MAX + 8];
	char *page;
	long r[2] = {0, 0};

	switch (c) {
	case IPCB_PLAIN:
		return ipc_call_long(RAMFS_STAT, "/", 0, 0, 0, 0);
	case IPCB_SEND_NULL:
		return ipcfs_write_file("/t/x", 0, 8);
	case IPCB_STR_KERNEL:
		return ipcfs_write_file(kernel, file, 8);
	case IPCB_STR_NONCANONICAL:
		return ipcfs_write_file((const char *)0x0000800000000000ul, file, 8);
	case IPCB_STR_UNMAPPED:
		return ipcfs_write_file((const char *)0x40000000ul, file, 8);
	case IPCB_STR_INTO_HOLE:
		page = page_before_hole();
		return page ? ipcfs_write_file(page + 4090, file, 8) : -1000;
	case IPCB_STR_UNTERMINATED:
		for (int i = 0; i < (int)sizeof(unterminated); i++)
			unterminated[i] = 'a';
		return ipcfs_write_file(unterminated, file, 8);
	case IPCB_SEND_OTHER_SLOT:
		return ipcfs_write_file("/t/x", (const void *)(1ul << 39), 8);
	case IPCB_SEND_INTO_HOLE:
		page = page_before_hole();
		return page ? ipcfs_write_file("/t/x", page + 100, 4096) : -1000;
	case IPCB_SEND_TOO_LONG:
		return ipcfs_write_file("/t/x", file, IPC_BUF_MAX + 1);
	case IPCB_OVER_AREA:
		return ipcfs_write_file("/t/x", big, sizeof(big));
	case IPCB_RECV_READONLY:
		return ipcfs_read_file(rodata_path, (void *)&ipc_bad, 16);
	case IPCB_RECV_KERNEL:
		return ipcfs_read_file("/t/x", (void *)kernel, 16);
	case IPCB_BAD_REPLY:
		return ipc_call_long(IPCFS_PROBE_BAD_REPLY, 0, 0, 0, r, sizeof(r));
	case IPCB_LONG_REPLY:
		return ipc_call_long(IPCFS_PROBE_LONG_REPLY, 0, 0, 0, r, sizeof(r));
	case IPCB_BAD_AREA:
		return ipc_call_long(IPCFS_PROBE_BAD_AREA, 0, 0, 0, 0, 0);
	case IPCB_LAST_ERROR:
		return ipc_call_long(IPCFS_PROBE_LAST_ERROR, 0, 0, 0, 0, 0);
	case IPCB_SHORT_CALL:
		return syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6);
	case IPCB_SERVER_GATE:
		return ipc_call_long(IPCFS_PROBE_GATE, "a server's string", 0, 0, 0, 0);
	case IPCB_SERVER_DIES:
		return ipc_call_long(IPCFS_PROBE_DIE, 0, 0, 0, 0, 0);
	case IPCB_SERVER_GATE_TRUSTED:
		return ipc_call_long(IPCFS_PROBE_GATE_TRUSTED, "a server's string", 0, 0, 0, 0);
	case IPCB_SERVER_GATE_NULL:
		return ipc_call_long(IPCFS_PROBE_GATE_NULL, 0, 0, 0, 0, 0);
	case IPCB_SERVER_GATE_ALLMAPPED:
		return ipc_call_long(IPCFS_PROBE_GATE_ALLMAPPED, "a server's string", 0, 0,
				     0, 0);
	default:
		return -1000;
	}
}

static long heap_hog(u64_t at_once)
{
	long first = syscall6(SYS_HEAP_GROW, at_once, 0, 0, 0, 0, 0), last;
	u64_t pages = first < 0 ? 0 : at_once;
	while ((last = syscall6(SYS_HEAP_GROW, 1, 0, 0, 0, 0, 0)) >= 0) {
		((volatile char *)last)[4095] = 1; /* it is there, and ours */
		pages++;
	}
	return (long)(pages << 16 | (u64_t)(first < 0 ? -first : 0) << 8 | (u64_t)-last);
}

long main(u64_t arg)
{
	u64_t param = arg >> 8;
	volatile long on_stack = 5;

	switch (arg & 0xff) {
	case GTEST_CALL:
		return call(param);
	case GTEST_PEEK_OWN_LOW:
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&own_low);
	case GTEST_PEEK_OWN_STACK:
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&on_stack);
	case GTEST_PEEK_KERNEL:
		return peek(NULL_GATES + NULL_PEEK, 0xffffffff80100000ul);
	case GTEST_PEEK_OTHER_SLOT: {
		long page = call(NULL_GATES + NULL_PAGE);
		return page < 0 ? page : peek(NEST_GATES + NEST_PEEK, (u64_t)page);
	}
	case GTEST_STALE_TO_DRIVER:
		(void)own_low; /* now in this CPU's TLB */
		return peek(NULL_GATES + NULL_PEEK, (u64_t)&own_low);
	case GTEST_STALE_TO_APP: {
		long page = call(NULL_GATES + NULL_PAGE);
		if (page < 0)
			return page;
		return *(volatile long *)page; /* must fault: not our slot */
	}
	case GTEST_NEST:
		return gate_call(NEST_GATES + NEST_DOWN, param, 0, 0, 0, 0, 0);
	case GTEST_COUNTERS:
		return counters();
	case GTEST_MEET:
		return gate_call(NULL_GATES + NULL_MEET, param, 0, 0, 0, 0, 0);
	case GTEST_UART_PRINT: {
		static const char line[] = "hello from ring 3 through the UART driver\n";
		char back[] = "loopback";
		if (gate_call(UART_GATES + UART_WRITE, (u64_t)line, sizeof(line) - 1,
			      0, 0, 0, 0) != (long)sizeof(line) - 1)
			return -1;
		long n = gate_call(UART_GATES + UART_ECHO, (u64_t)back, 8, 0, 0, 0, 0);
		if (n == -E_NOSYS)
			return n; /* the line went out; no loopback to check it */
		const char *want = "loopback";
		for (int i = 0; i < 8; i++)
			if (back[i] != want[i])
				return -2;
		return n;
	}
	case GTEST_IPC:
		return syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6);
	case GTEST_IPCFS_ROUND:
		return ipcfs_round();
	case GTEST_IPC_LONG_BAD:
		return ipc_bad(param);
	case GTEST_IPC_DIE:
		return syscall6(SYS_IPC_CALL, IPCSERVER_DIE, 0, 0, 0, 0, 0);
	case GTEST_PIN: {
		long cpu = syscall6(SYS_THREAD_PIN, param, 0, 0, 0, 0, 0);
		long r = call(NULL_GATES + NULL_ADD);
		return r == 21 ? cpu : -1000 - 21 + r;
	}
	case GTEST_STRLEN:
		return gate_call(ECHO_GATES + ECHO_STRLEN, (u64_t)"a pointer gate", 0, 0,
				 0, 0, 0);
	case GTEST_MEET_AT:
		return gate_call(param + NULL_MEET, 2, 0, 0, 0, 0, 0);
	case GTEST_NEST_VIA_ECHO:
		return call(NEST_GATES + NEST_ECHO_OWN);
	case GTEST_HEAP_HOG:
		return heap_hog(param);
	case GTEST_UART_PORT: {
		unsigned char v;
		__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x2fd));
		return v;
	}
	default:
		return -1000;
	}
}
