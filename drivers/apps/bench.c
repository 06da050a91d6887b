/*
 * bench.c - the ring-3 timed loops (the rows of SPEC §3 that exist so far):
 *   timer    two back-to-back timer reads: the overhead the kernel
 *            subtracts from every other row;
 *   call     a plain call and return in ring 3 (the floor);
 *   syscall  a null SYSCALL/SYSRET round trip (the crossing floor);
 *   gate     a null gate round trip into the null driver in its slot,
 *            under the kernel's flush strategy (reported as slot-FLUSH);
 *   trusted  the same into the same image loaded trusted: shown in every
 *            view, no slot swap, no flush;
 *   cr3      the same into the same image in CR3 mode: its own address
 *            space, loaded into CR3 (with a PCID in PCID builds: cr3-pcid);
 *   ipc      an L4-style call/reply to a server thread in its own address
 *            space, switched to directly (kernel/ipc.h).
 * Each sample times one round trip; the first one (cold) is kept apart by
 * the kernel.
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define SAMPLES 2001

static u64_t samples[SAMPLES];
static int have_rdtscp;

static void cpuid_(unsigned leaf, unsigned r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* Start of a timed region.  MFENCE;LFENCE before RDTSC: it runs after
 * every earlier instruction and store; LFENCE after it: no later
 * instruction starts before it (SDM 2B RDTSC; on AMD, LFENCE is dispatch
 * serialising when MSR C001_1029[1] is set, the default since 2018: APM
 * vol. 3 LFENCE). */
static inline u64_t tsc_begin(void)
{
	unsigned lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence"
			 : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

/* End: RDTSCP waits for earlier instructions (SDM 2B RDTSCP); LFENCE
 * keeps later ones out.  Without RDTSCP, LFENCE;RDTSC;LFENCE. */
static inline u64_t tsc_end(void)
{
	unsigned lo, hi, aux;
	if (have_rdtscp)
		__asm__ volatile("rdtscp; lfence"
				 : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ volatile("lfence; rdtsc; lfence"
				 : "=a"(lo), "=d"(hi)::"memory");
	return ((u64_t)hi << 32) | lo;
}

__attribute__((noinline)) static long plain_call(long x)
{
	__asm__ volatile("" ::: "memory");
	return x;
}

static long report(const char *name)
{
	char buf[32] = {0};
	for (int i = 0; name[i] && i < 31; i++)
		buf[i] = name[i];
	return syscall6(SYS_BENCH_RESULT, (u64_t)buf, (u64_t)samples, SAMPLES,
			0, 0, 0);
}

/* Time @body once per sample (the loop's own instructions outside the
 * timed region), then hand the row in; a failed report ends the program
 * with @code. */
#define TIME_ROW(name, code, body)                                             \
	do {                                                                   \
		for (int i = 0; i < SAMPLES; i++) {                            \
			u64_t t0 = tsc_begin();                                \
			body;                                                  \
			samples[i] = tsc_end() - t0;                           \
		}                                                              \
		if (report(name))                                              \
			return code;                                           \
	} while (0)

long main(u64_t arg)
{
	unsigned r[4];
	(void)arg;

	cpuid_(0x80000001, r);
	have_rdtscp = (r[3] >> 27) & 1;

	TIME_ROW("timer", 1, (void)0);
	TIME_ROW("call", 2, plain_call(i));
	TIME_ROW("syscall", 3, sys_null());
	TIME_ROW("slot", 4, gate_call(NULL_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6));
	TIME_ROW("trusted", 5, gate_call(NULLT_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6));
	TIME_ROW("cr3", 6, gate_call(NULLC_GATES + NULL_ADD, 1, 2, 3, 4, 5, 6));
	TIME_ROW("ipc", 7, syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6));
	return 0;
}
