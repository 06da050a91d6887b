/*
 * chaos.h - the generated hostile driver (drivers/chaos) and the gate
 * fuzzer (drivers/apps/gfuzz.c): gate offsets, the behaviours a seed
 * draws, and how the fuzzer's argument is packed.  Shared by the driver,
 * the fuzzer and the kernel's cases (tests/kernel/test_gfuzz.c), which
 * must agree on what a seed means.
 */
#ifndef SLOTGATE_CHAOS_H
#define SLOTGATE_CHAOS_H

/* drivers/chaos, module line "chaos driver gates=288 policy=restart". */
enum chaos_gate {
	CHAOS_RUN,   /* (seed): behave as chaos_kind(seed) says */
	CHAOS_RELAY, /* (seed, n, depth): n random calls from inside this
			driver (the nested fuzzer), which runs at gate depth
			`depth` (its caller's + 1); the number of results
			that differed from the fuzzer's prediction (0), or
			an error */
	CHAOS_PING,  /* (): 0x600d */
	CHAOS_HOLD,  /* (buf, n, how) [buf_in]: fault (how & 1) or return n
			while the caller's buffer is mapped into the window */
	CHAOS_GATE_COUNT,
	CHAOS_BULK_FIRST = 16, /* CHAOS_BULK: the numbers the bulk */
	CHAOS_BULK_COUNT = 16, /* registration may take (all ping) */
	CHAOS_SPAN = 32        /* numbers this driver owns */
};
#define CHAOS_PONG 0x600d

/* What a seed makes CHAOS_RUN do, and what its caller may then get. */
enum chaos_kind {
	CK_CALLS,        /* random system and gate calls: 0 (no mismatch) */
	CK_TEXT_WRITE,   /* write to its own text: -E_DRIVER_FAULT */
	CK_JUMP_LOW,     /* jump into selector 0 (absent here): -E_DRIVER_FAULT */
	CK_JUMP_KERNEL,  /* jump into the kernel half or a non-canonical
			    address: -E_DRIVER_FAULT */
	CK_RECURSE,      /* recurse until the stack's guard page:
			    -E_DRIVER_FAULT */
	CK_SPIN,         /* never return: -E_WATCHDOG */
	CK_GARBAGE,      /* return gate with every register garbage (RSP
			    too): exactly chaos_garbage(seed) */
	CK_SMASH,        /* return through a smashed return address:
			    -E_DRIVER_FAULT */
	CK_BULK,         /* register gates in bulk, good and bad: 0 (every
			    registration answered as documented) */
	CK_NESTED_SELF,  /* call itself, which faults: -E_DRIVER_FAULT
			    passed out by the outer call */
	CK_NESTED_OTHER, /* call hostile's #PF gate in the middle: its
			    -E_DRIVER_FAULT passed out */
	CK_WINDOW_FAULT, /* pass its own buffer to CHAOS_HOLD, which faults
			    with the window mapped: -E_DRIVER_FAULT */
	CK_FAULT_AFTER,  /* make a good nested call, then fault:
			    -E_DRIVER_FAULT */
	CK_KINDS
};

static inline unsigned long chaos_mix(unsigned long x)
{
	x += 0x9e3779b97f4a7c15ul;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ul;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebul;
	return x ^ (x >> 31);
}

static inline enum chaos_kind chaos_kind(unsigned long seed)
{
	return (enum chaos_kind)(chaos_mix(seed) % CK_KINDS);
}

/* CK_GARBAGE's return value. */
static inline long chaos_garbage(unsigned long seed)
{
	return (long)chaos_mix(seed ^ 0x5eed);
}

/*
 * The fuzzer's argument (ktest_run_app(..., action, param): arg = action
 * | param << 8): action GFUZZ_RUN, param = the 32-bit seed | calls / 100
 * << 32.  It exits with the number of failures (0: all well).
 */
#define GFUZZ_RUN 0
#define GFUZZ_PARAM(seed, calls)                                               \
	(((unsigned long)(seed) & 0xffffffffu) | ((unsigned long)(calls) / 100) << 32)
#define GFUZZ_BATCH 1000 /* calls between two counter checks */

#endif
