/*
 * fsbench.c - the macro workload and two sweeps:
 *   ramfs-file  small files through the RAM file-system driver, the same
 *               image loaded three ways (boot/grub-bench.cfg): isolated
 *               in its slot (this build's strategy), trusted, and in CR3
 *               mode.  One sample: write_file (path + 1 KiB), read_file,
 *               delete - three gate calls with a string and a buffer each;
 *   nesting     nest.down(d): a chain of d + 2 gates;
 *   drivers     N copies of null called in rotation (the kernel loads
 *               them on request), N = 1 ... 240.
 */
#include "slotgate/app.h"
#include "slotgate/bench.h"
#include "slotgate/gates.h"

#define FILE_BYTES 1024

static char data[FILE_BYTES], back[FILE_BYTES];

static long file_life(u64_t base, u64_t i)
{
	char path[32];
	snprintf(path, sizeof(path), "/bench/f%lu", i % 16);
	if (gate_call(base + RAMFS_WRITE_FILE, (u64_t)path, (u64_t)data, FILE_BYTES,
		      0, 0, 0) != FILE_BYTES ||
	    gate_call(base + RAMFS_READ_FILE, (u64_t)path, (u64_t)back, FILE_BYTES,
		      0, 0, 0) != FILE_BYTES ||
	    gate_call(base + RAMFS_DELETE, (u64_t)path, 0, 0, 0, 0, 0) != 0)
		return -1;
	return 0;
}

static long fill(u64_t param)
{
	for (int i = 0; i < FILE_BYTES; i++)
		data[i] = (char)i;
	return (long)param;
}

static long files_slot(u64_t p, u64_t i) { (void)p; return file_life(RAMFS_GATES, i); }
static long files_trusted(u64_t p, u64_t i) { (void)p; return file_life(RAMFST_GATES, i); }
static long files_cr3(u64_t p, u64_t i) { (void)p; return file_life(RAMFSC_GATES, i); }

BENCH(fs_slot, .name = "slot/ramfs-file", BENCH_PARAMS(FILE_BYTES), .samples = 101,
      .setup = fill, .body = files_slot);
BENCH(fs_trusted, .name = "trusted/ramfs-file", BENCH_PARAMS(FILE_BYTES),
      .samples = 101, .setup = fill, .body = files_trusted);
BENCH(fs_cr3, .name = "cr3/ramfs-file", BENCH_PARAMS(FILE_BYTES), .samples = 101,
      .setup = fill, .body = files_cr3);

static long nested(u64_t depth, u64_t i)
{
	(void)i;
	if (depth == 1) /* app -> null */
		return gate_call(NULL_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6) == 21 ? 0 : -1;
	u64_t d = depth - 2; /* app -> nest(d) ... nest(0) -> null */
	return gate_call(NEST_GATES + NEST_DOWN, d, 0, 0, 0, 0, 0) == 21 + (long)d ? 0 : -1;
}

BENCH(nesting, .name = "slot/nesting", BENCH_PARAMS(1, 2, 3, 4, 5, 6, 7, 8),
      .samples = 101, .body = nested);

/* Have the kernel load copies of null until there are @n; skip the rest
 * of the sweep when the slots run out. */
static long clones(u64_t n)
{
	long have = bench_set(2, n);
	return have < (long)n ? -1 : (long)n;
}

static long rotate(u64_t n, u64_t i)
{
	u64_t gate = CLONE_GATES + CLONE_STRIDE * (i % n);
	return gate_call(gate, 1, 2, 3, 4, 5, 6) == 21 ? 0 : -1;
}

BENCH(drivers, .name = "slot/drivers",
      BENCH_PARAMS(1, 2, 4, 8, 16, 32, 64, 128, 240), .samples = 101,
      .setup = clones, .body = rotate);

long main(u64_t arg) { return bench_main(arg); }
