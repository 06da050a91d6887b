/*
 * chaos.c - a hostile driver whose behaviour is drawn from a seed, and the
 * gate fuzzer's hands inside a driver (issue 14).  Gates (slotgate/chaos.h):
 *   +0 run(seed, depth)   behave as chaos_kind(seed) says: random calls,
 *                         writes to its own text, jumps into selector 0 or
 *                         the kernel half, deep recursion, never returning,
 *                         garbage in every register, a smashed return
 *                         address, gates registered in bulk, faults in the
 *                         middle of nested calls; depth = the caller's gate
 *                         frames
 *   +1 relay(seed, n, depth)   n calls drawn by slotgate/fuzz.h from this
 *                         driver's own memory, at gate depth `depth`; the
 *                         number whose result the model did not predict
 *   +2 ping()             CHAOS_PONG
 *   +3 hold(buf, n, how)  [buf_in] fault with the window mapped (how & 1),
 *                         else return n
 *   +16..+31              what run's bulk registration leaves: ping
 * Loaded with policy=restart: every fault reloads it from its image.
 */
#include "slotgate/app.h"
#include "slotgate/chaos.h"
#include "slotgate/fuzz.h"

#define RW_LEN (16 * FZ_PAGE)
#define UNUSED6 (void)a, (void)b, (void)c, (void)d, (void)e, (void)f

static unsigned char rw[RW_LEN] __attribute__((aligned(4096)));
static const unsigned char ro[2 * FZ_PAGE] __attribute__((aligned(4096))) =
	"read-only pages of the chaos driver";
static unsigned long my_base, heap_page;

static long ping(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return CHAOS_PONG;
}

/* @n calls from here, at gate depth @depth: the mispredicted ones. */
static long random_calls(unsigned long seed, unsigned long n, unsigned long depth)
{
	unsigned long slot = (unsigned long)rw & ~(FZ_SLOT - 1);
	struct fz_ctx ctx = {
		.rng = seed,
		.sp = {.lo = slot, .hi = slot + FZ_SLOT, .rw = rw, .rw_len = RW_LEN,
		       .edge = (unsigned char *)heap_page, .ro = ro, .ro_len = sizeof(ro),
		       .hole = slot + 100 * (1ul << 32), .low = 0x1000,
		       .low_len = (1ul << 32) - 0x1000},
		.driver = 1,
		.depth = (unsigned)depth,
		.relay_n = n / 4,
	};
	long bad = 0;
	for (unsigned long i = 0; i < n; i++) {
		struct fz_call k;
		fz_make(&ctx, &k);
		long got = fz_do(&k);
		if (fz_check(&k, got)) {
			bad++;
			printf("    # chaos relay (seed 0x%lx, depth %lu) call %lu: nr 0x%lx"
			       " (0x%lx, 0x%lx, 0x%lx, 0x%lx) got %ld, want %ld\n",
			       seed, depth, i, (unsigned long)k.nr, k.a[0], k.a[1],
			       k.a[2], k.a[3], got, k.want);
		}
	}
	return bad;
}

static long relay(u64_t seed, u64_t n, u64_t depth, u64_t d, u64_t e, u64_t f)
{
	(void)d, (void)e, (void)f;
	return random_calls(seed, n > 256 ? 256 : n, depth);
}

static long hold(u64_t buf, u64_t n, u64_t how, u64_t d, u64_t e, u64_t f)
{
	(void)d, (void)e, (void)f;
	if (how & 1)
		return *(volatile long *)0x1000 + (long)buf; /* selector 0: absent */
	return (long)n;
}

static long recurse(unsigned long depth, unsigned long frame)
{
	volatile char pad[4096];
	pad[frame % sizeof(pad)] = (char)depth;
	if (depth > (1ul << 40)) /* never: the guard page comes first */
		return 0;
	return recurse(depth + 1, frame) + pad[frame % sizeof(pad)];
}

__attribute__((noreturn)) static void return_garbage(unsigned long seed)
{
	unsigned long g[16];
	for (int i = 0; i < 16; i++)
		g[i] = chaos_mix(seed + 1000 + (unsigned long)i);
	g[0] = (unsigned long)chaos_garbage(seed); /* RDI: the result */
	/* Every register but RAX garbage, RSP too, then the return gate. */
	__asm__ volatile("mov %0, %%rax\n\t"
			 "mov 0(%%rax), %%rdi\n\t"
			 "mov 8(%%rax), %%rbx\n\t"
			 "mov 16(%%rax), %%rcx\n\t"
			 "mov 24(%%rax), %%rdx\n\t"
			 "mov 32(%%rax), %%rsi\n\t"
			 "mov 40(%%rax), %%rbp\n\t"
			 "mov 48(%%rax), %%r8\n\t"
			 "mov 56(%%rax), %%r9\n\t"
			 "mov 64(%%rax), %%r10\n\t"
			 "mov 72(%%rax), %%r11\n\t"
			 "mov 80(%%rax), %%r12\n\t"
			 "mov 88(%%rax), %%r13\n\t"
			 "mov 96(%%rax), %%r14\n\t"
			 "mov 104(%%rax), %%r15\n\t"
			 "mov 112(%%rax), %%rsp\n\t"
			 "mov $0xff, %%eax\n\t"
			 "syscall\n\t"
			 "ud2"
			 :
			 : "r"(g)
			 : "memory");
	__builtin_unreachable();
}

/* A seed of @kind near @seed (for a nested call that must fault). */
static unsigned long seed_of(unsigned long seed, enum chaos_kind kind)
{
	while (chaos_kind(seed) != kind)
		seed++;
	return seed;
}

/* Bulk registration: every answer as documented?  The number that was not. */
static long bulk(unsigned long seed)
{
	long bad = 0;
	unsigned long r = seed;
	for (unsigned long i = 0; i < CHAOS_BULK_COUNT; i++)
		bad += gate_register(my_base + CHAOS_BULK_FIRST + i, ping, PTR_NONE,
				     GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL) != 0;
	for (int i = 0; i < 64; i++) {
		unsigned long n = my_base + CHAOS_BULK_FIRST + fz_below(&r, CHAOS_BULK_COUNT);
		switch (fz_below(&r, 5)) {
		case 0: /* past the table */
			bad += gate_register(GATE_MAX + fz_below(&r, 1ul << 32), ping,
					     PTR_NONE, GATE_FROM_APP) != -E_RANGE;
			break;
		case 1: /* another driver's */
			bad += gate_register(NULL_GATES + fz_below(&r, 6), ping, PTR_NONE,
					     GATE_FROM_APP) != -E_BUSY;
			break;
		case 2: /* a handler outside its image */
			bad += syscall6(SYS_GATE_REGISTER, n, fz_next(&r) | (1ul << 47),
					PTR_NONE, GATE_FROM_APP, 0, 0) != -E_INVAL;
			break;
		case 3: /* no caller, or a class that does not exist */
			bad += gate_register(n, ping, (unsigned)(PTR_CLASS_COUNT + fz_below(&r, 9)),
					     GATE_FROM_APP) != -E_INVAL;
			bad += gate_register(n, ping, PTR_NONE, 0) != -E_INVAL;
			break;
		default: /* its own again: replaced */
			bad += gate_register(n, ping, PTR_NONE,
					     GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL) != 0;
		}
	}
	/* What it registered answers. */
	unsigned long n = my_base + CHAOS_BULK_FIRST + fz_below(&r, CHAOS_BULK_COUNT);
	bad += gate_call(n, 0, 0, 0, 0, 0, 0) != CHAOS_PONG;
	return bad;
}

static long run(u64_t seed, u64_t depth, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	unsigned long x = chaos_mix(seed ^ 0xc4a05);
	depth++; /* this frame */
	switch (chaos_kind(seed)) {
	case CK_CALLS:
		return random_calls(x, 8 + x % 24, depth);
	case CK_TEXT_WRITE:
		*(volatile unsigned char *)((unsigned long)ping + x % 64) = 0xcc;
		return 1;
	case CK_JUMP_LOW:
		return ((long (*)(void))(x % (1ul << 32)))();
	case CK_JUMP_KERNEL:
		x = x & 1 ? 0xffff800000000000ul | x : 0x0000800000000000ul | (x >> 17);
		return ((long (*)(void))x)();
	case CK_RECURSE:
		return recurse(0, x);
	case CK_SPIN:
		/* No PAUSE: QEMU leaves its CPU loop on every one, which under
		 * icount makes the watchdog's 30 M instructions take seconds. */
		for (;;)
			__asm__ volatile("" ::: "memory");
	case CK_GARBAGE:
		return_garbage(seed);
	case CK_SMASH:
		/* A return address nobody wrote: non-canonical, #GP on RET. */
		__asm__ volatile("push %0\n\tret" ::"r"(x | (1ul << 63)) : "memory");
		return 1;
	case CK_BULK:
		return bulk(x);
	case CK_NESTED_SELF:
		return gate_call(my_base + CHAOS_RUN, seed_of(x, CK_TEXT_WRITE), depth,
				 0, 0, 0, 0);
	case CK_NESTED_OTHER:
		return gate_call(HOSTILE_GATES + HOSTILE_PF, 0, 0, 0, 0, 0, 0);
	case CK_WINDOW_FAULT: {
		/* Whole pages (mapped) or a few bytes (copied) in the window. */
		unsigned long n = x & 1 ? 3 * FZ_PAGE : 1 + x % 200;
		return gate_call(my_base + CHAOS_HOLD, (unsigned long)rw + (x & 2 ? 0 : 100),
				 n, 1, 0, 0, 0);
	}
	case CK_FAULT_AFTER: {
		long r = gate_call(NEST_GATES + NEST_SUM_VIA_ECHO, (unsigned long)rw,
				   2 * FZ_PAGE, 0, 0, 0, 0);
		if (r >= 0)
			__asm__ volatile("ud2");
		return r - 1000000; /* not -E_DRIVER_FAULT: the test sees it */
	}
	default:
		return -1;
	}
}

long driver_init(u64_t base)
{
	static const struct {
		gate_handler_t handler;
		unsigned ptr_class;
	} gates[] = {
		{run, PTR_NONE}, {relay, PTR_NONE}, {ping, PTR_NONE}, {hold, PTR_BUF_IN},
	};
	my_base = base;
	long page = heap_grow(1); /* the fuzzer's edge page: the next is unmapped */
	if (page < 0)
		return page;
	heap_page = (unsigned long)page;
	for (u64_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++)
		if (gate_register(base + i, gates[i].handler, gates[i].ptr_class,
				  GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL))
			return -1;
	return 0;
}
