/*
 * fsbench.c - the macro workload and two sweeps:
 *   ramfs-file  small files through the RAM file system, one sample being
 *               one file's life: write_file (path + N bytes), read_file,
 *               delete; N = 64 ... 16384 bytes (the row's param).  Four
 *               ways: the ramfs driver image loaded isolated in its slot
 *               (this build's strategy), trusted, and in CR3 mode
 *               (boot/grub-bench.cfg) - three gate calls with a string
 *               and a buffer each - and the same core as an IPC server
 *               in its own address space (ipcfs, which the kernel starts
 *               for this program) - three long IPC round trips, the
 *               kernel copying the items once each way;
 *   nesting     nest.down(d): a chain of d + 2 gates;
 *   drivers     N copies of null called in rotation (the kernel loads
 *               them on request), N = 1 ... 255, the last meaning "as
 *               many as there are free slots" (the row shows how many).
 */
#include "slotgate/app.h"
#include "slotgate/bench.h"
#include "slotgate/gates.h"
#include "slotgate/ipcfs.h"

#define FILE_BYTES IPCFS_DATA_MAX /* the largest file: 16384 */
#define FILE_SIZES BENCH_PARAMS(64, 1024, 4096, FILE_BYTES)

static char data[FILE_BYTES], back[FILE_BYTES];

static void path_of(char path[32], u64_t i)
{
	snprintf(path, 32, "/bench/f%lu", i % 16);
}

static long file_life(u64_t base, u64_t n, u64_t i)
{
	char path[32];
	path_of(path, i);
	if (gate_call(base + RAMFS_WRITE_FILE, (u64_t)path, (u64_t)data, n, 0, 0,
		      0) != (long)n ||
	    gate_call(base + RAMFS_READ_FILE, (u64_t)path, (u64_t)back, n, 0, 0,
		      0) != (long)n ||
	    gate_call(base + RAMFS_DELETE, (u64_t)path, 0, 0, 0, 0, 0) != 0)
		return -1;
	return 0;
}

/* The same life over long IPC. */
static long file_life_ipc(u64_t n, u64_t i)
{
	char path[32];
	path_of(path, i);
	if (ipcfs_write_file(path, data, n) != (long)n ||
	    ipcfs_read_file(path, back, n) != (long)n || ipcfs_delete(path) != 0)
		return -1;
	return 0;
}

static long fill(u64_t param)
{
	for (int i = 0; i < FILE_BYTES; i++)
		data[i] = (char)i;
	return (long)param;
}

static long files_slot(u64_t n, u64_t i) { return file_life(RAMFS_GATES, n, i); }
static long files_trusted(u64_t n, u64_t i) { return file_life(RAMFST_GATES, n, i); }
static long files_cr3(u64_t n, u64_t i) { return file_life(RAMFSC_GATES, n, i); }

BENCH(fs_slot, .name = "slot/ramfs-file", FILE_SIZES, .samples = 101,
      .setup = fill, .body = files_slot);
BENCH(fs_trusted, .name = "trusted/ramfs-file", FILE_SIZES, .samples = 101,
      .setup = fill, .body = files_trusted);
BENCH(fs_cr3, .name = "cr3/ramfs-file", FILE_SIZES, .samples = 101,
      .setup = fill, .body = files_cr3);
BENCH(fs_ipc, .name = "ipc/ramfs-file", FILE_SIZES, .samples = 101,
      .setup = fill, .body = file_life_ipc);

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

#define ALL_SLOTS 255 /* the param asking for as many copies as fit */

static long have_clones; /* copies the kernel has loaded */

/* Have the kernel load copies of null until there are @n: the row's param
 * is @n, or for ALL_SLOTS the number it got; skip the rest of the sweep
 * when the slots run out before. */
static long clones(u64_t n)
{
	have_clones = bench_set(2, n);
	if (have_clones <= 0)
		return -1;
	if (n == ALL_SLOTS)
		return have_clones;
	return have_clones < (long)n ? -1 : (long)n;
}

/* Call the copies in rotation: all @n, or all there are. */
static long rotate(u64_t n, u64_t i)
{
	u64_t count = n < (u64_t)have_clones ? n : (u64_t)have_clones;
	u64_t gate = CLONE_GATES + CLONE_STRIDE * (i % count);
	return gate_call(gate, 1, 2, 3, 4, 5, 6) == 21 ? 0 : -1;
}

BENCH(drivers, .name = "slot/drivers",
      BENCH_PARAMS(1, 2, 4, 8, 16, 32, 64, 128, ALL_SLOTS), .samples = 101,
      .setup = clones, .body = rotate);

long main(u64_t arg) { return bench_main(arg); }
