/* bench.c - the libbench runner for ring-3 programs (slotgate/bench.h). */
#include "slotgate/bench.h"

extern const struct bench_desc __start_benches[], __stop_benches[];

#define WARMUP 10 /* untimed calls between the cold sample and the rest */

static u64_t samples[BENCH_MAX_SAMPLES];
static int have_rdtscp;

static inline u64_t tsc_begin(void)
{
	unsigned lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

static inline u64_t tsc_end(void)
{
	unsigned lo, hi, aux;
	if (have_rdtscp)
		__asm__ volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

static long empty(u64_t param, u64_t i)
{
	(void)param, (void)i;
	return 0;
}

/* The timer's own overhead, with the same indirect call as every body. */
static const struct bench_desc timer_desc = {.name = "timer", .body = empty};

/* Hand in @n samples; the row made n + WARMUP calls in all, which the
 * kernel divides its counters by. */
static long report(const char *name, u64_t n, u64_t param, u64_t calls)
{
	char label[32] = {0};
	for (int i = 0; name[i] && i < 31; i++)
		label[i] = name[i];
	return syscall6(SYS_BENCH_RESULT, (u64_t)label, (u64_t)samples, n, param,
			calls, 0);
}


/* One row: the cold call, WARMUP untimed ones, then n - 1 timed calls of
 * d->body(param). */
static long run_row(const struct bench_desc *d, u64_t param, u64_t n, u64_t shown)
{
	long (*body)(u64_t, u64_t) = d->body;
	for (u64_t i = 0; i < n; i++) {
		if (i == 1)
			for (u64_t w = 0; w < WARMUP; w++)
				if (body(param, n + w) < 0)
					return -1;
		u64_t t0 = tsc_begin();
		long r = body(param, i);
		samples[i] = tsc_end() - t0;
		if (r < 0)
			return r;
	}
	return report(d->name, n, shown, n > 1 ? n + WARMUP : n);
}

static long run(const struct bench_desc *d, int quick)
{
	u64_t n = d->samples ? d->samples : BENCH_SAMPLES;
	if (n > BENCH_MAX_SAMPLES)
		n = BENCH_MAX_SAMPLES; /* samples[] holds no more */
	if (quick && n > BENCH_QUICK_SAMPLES)
		n = BENCH_QUICK_SAMPLES; /* never more than the full run's */
	u64_t count = d->params ? d->nparams : 1;
	for (u64_t k = 0; k < count; k++) {
		u64_t param = d->params ? d->params[k] : 0, shown = param;
		if (d->setup) {
			long s = d->setup(param);
			if (s < 0)
				return 0; /* nothing more to measure here */
			if (s > 0)
				shown = (u64_t)s;
		}
		long r = run_row(d, param, n, shown);
		if (d->teardown)
			d->teardown(param);
		if (r)
			return r;
	}
	return 0;
}

long bench_main(u64_t arg)
{
	unsigned r[4];
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(0x80000001), "c"(0));
	have_rdtscp = (r[3] >> 27) & 1;
	int quick = arg & 1;
	if (run(&timer_desc, quick))
		return 1;
	long row = 2;
	for (const struct bench_desc *d = __start_benches; d < __stop_benches; d++, row++)
		if (run(d, quick))
			return row;
	return 0;
}
