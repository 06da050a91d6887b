/*
 * ramfs.c - the RAM file system driver: gates over ramfs_core.c.
 *
 * Gates (numbers from the module line's gates=N, RAMFS_GATES in the tree;
 * offsets and pointer classes in slotgate/ramfs.h), callable by
 * applications, drivers and the kernel.  The kernel has already checked
 * and mapped every pointer and size by the gate's class, so a handler
 * just passes them on.  Files live in this driver's heap (malloc over
 * heap_grow, drivers/lib/malloc.c); fds are shared by all callers.
 *
 * Several threads can be inside the driver at once and the timer preempts
 * ring 3, so one spin lock serialises the core: a waiter spins until the
 * holder is scheduled again and finishes (one CPU; no operation is long).
 */
#include "slotgate/app.h"
#include "slotgate/driver.h"

#include "ramfs_core.h"

static struct ramfs fs;
static volatile char lock;

static void take(void)
{
	while (__atomic_test_and_set(&lock, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
}

static long give(long result)
{
	__atomic_clear(&lock, __ATOMIC_RELEASE);
	return result;
}

#define GATE(name, body)                                                       \
	static long name(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f) \
	{                                                                      \
		(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;          \
		take();                                                        \
		return give(body);                                             \
	}

GATE(create_gate, ramfs_create(&fs, (const char *)a))
GATE(open_gate, ramfs_open(&fs, (const char *)a))
GATE(read_gate, ramfs_read(&fs, a, (void *)b, c))
GATE(write_gate, ramfs_write(&fs, a, (const void *)b, c))
GATE(seek_gate, ramfs_seek(&fs, a, (long)b, c))
GATE(close_gate, ramfs_close(&fs, a))
GATE(stat_gate, ramfs_stat(&fs, (const char *)a, (struct fs_stat *)b, c))
GATE(list_gate, ramfs_list(&fs, (const char *)a, (char *)b, c))
GATE(delete_gate, ramfs_delete(&fs, (const char *)a))
GATE(write_file_gate, ramfs_write_file(&fs, (const char *)a, (const void *)b, c))
GATE(read_file_gate, ramfs_read_file(&fs, (const char *)a, (void *)b, c))

static const struct {
	gate_handler_t handler;
	unsigned ptr_class;
} gates[RAMFS_GATE_COUNT] = {
	[RAMFS_CREATE] = {create_gate, PTR_STR_IN},
	[RAMFS_OPEN] = {open_gate, PTR_STR_IN},
	[RAMFS_READ] = {read_gate, PTR_HANDLE_BUF_OUT},
	[RAMFS_WRITE] = {write_gate, PTR_HANDLE_BUF_IN},
	[RAMFS_SEEK] = {seek_gate, PTR_NONE},
	[RAMFS_CLOSE] = {close_gate, PTR_NONE},
	[RAMFS_STAT] = {stat_gate, PTR_STR_BUF_OUT},
	[RAMFS_LIST] = {list_gate, PTR_STR_BUF_OUT},
	[RAMFS_DELETE] = {delete_gate, PTR_STR_IN},
	[RAMFS_WRITE_FILE] = {write_file_gate, PTR_STR_BUF_IN},
	[RAMFS_READ_FILE] = {read_file_gate, PTR_STR_BUF_OUT},
};

long driver_init(u64_t base)
{
	const unsigned anyone = GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL;
	long err;

	/* A restart reloads the data: the heap allocator starts afresh too. */
	ramfs_init(&fs, malloc, free);
	for (u64_t i = 0; i < RAMFS_GATE_COUNT; i++)
		if ((err = gate_register(base + i, gates[i].handler,
					 gates[i].ptr_class, anyone)) < 0)
			return err;
	return 0;
}
