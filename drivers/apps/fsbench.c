/*
 * fsbench.c - the macro workload: small files created, written, read back
 * and deleted through the RAM file-system driver, the same image loaded
 * three ways (boot/grub-bench.cfg): isolated in its slot (the gate, this
 * build's strategy), trusted, and in CR3 mode.  One sample is one file's
 * life: write_file (path + 1 KiB), read_file, delete - three gate calls
 * with a string and a buffer each.  Also the nesting sweep (nest.down(d):
 * a chain of d + 2 gates) and the driver-count sweep (N copies of null
 * called in rotation).
 */
#include "slotgate/app.h"
#include "slotgate/gates.h"

#define SAMPLES 101
#define FILE_BYTES 1024

static u64_t samples[SAMPLES];
static char data[FILE_BYTES], back[FILE_BYTES];

static inline u64_t tsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

static long report(const char *name, u64_t param)
{
	char label[32] = {0};
	strlcpy(label, name, sizeof(label));
	return syscall6(SYS_BENCH_RESULT, (u64_t)label, (u64_t)samples, SAMPLES,
			param, 0, 0);
}

static long file_life(u64_t base, int i)
{
	char path[32];
	snprintf(path, sizeof(path), "/bench/f%d", i % 16);
	if (gate_call(base + RAMFS_WRITE_FILE, (u64_t)path, (u64_t)data, FILE_BYTES,
		      0, 0, 0) != FILE_BYTES ||
	    gate_call(base + RAMFS_READ_FILE, (u64_t)path, (u64_t)back, FILE_BYTES,
		      0, 0, 0) != FILE_BYTES ||
	    gate_call(base + RAMFS_DELETE, (u64_t)path, 0, 0, 0, 0, 0) != 0)
		return -1;
	return 0;
}

static long files(const char *name, u64_t base)
{
	for (int i = 0; i < SAMPLES; i++) {
		u64_t t0 = tsc();
		long r = file_life(base, i);
		samples[i] = tsc() - t0;
		if (r)
			return r;
	}
	return report(name, FILE_BYTES);
}

/* The driver-count sweep: N copies of null called in rotation, one gate
 * call per sample, N = 1, 2, 4 ... as many as there are free slots. */
static long drivers(void)
{
	static const u64_t counts[] = {1, 2, 4, 8, 16, 32, 64, 128, 240};
	for (u64_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		long n = syscall6(SYS_BENCH_SET, 2, counts[k], 0, 0, 0, 0);
		if (n < (long)counts[k])
			return n < 0 ? n : 0; /* out of slots: the sweep ends here */
		for (int i = 0; i < SAMPLES; i++) {
			u64_t gate = CLONE_GATES + CLONE_STRIDE * (u64_t)(i % n);
			u64_t t0 = tsc();
			long r = gate_call(gate, 1, 2, 3, 4, 5, 6);
			samples[i] = tsc() - t0;
			if (r != 21)
				return -1;
		}
		if (report("slot/drivers", (u64_t)n))
			return -2;
	}
	return 0;
}

long main(u64_t arg)
{
	(void)arg;
	for (int i = 0; i < FILE_BYTES; i++)
		data[i] = (char)i;
	if (files("slot/ramfs-file", RAMFS_GATES) ||
	    files("trusted/ramfs-file", RAMFST_GATES) ||
	    files("cr3/ramfs-file", RAMFSC_GATES))
		return 1;
	if (drivers())
		return 4;
	for (u64_t d = 0; d + 2 <= 8; d++) {
		for (int i = 0; i < SAMPLES; i++) {
			u64_t t0 = tsc();
			long r = gate_call(NEST_GATES + NEST_DOWN, d, 0, 0, 0, 0, 0);
			samples[i] = tsc() - t0;
			if (r != 21 + (long)d)
				return 2;
		}
		if (report("slot/nesting", d + 2))
			return 3;
	}
	return 0;
}
