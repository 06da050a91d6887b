/*
 * fuzz.h - the gate fuzzer's call generator and oracle, shared by the
 * application (drivers/apps/gfuzz.c) and the driver that fuzzes from
 * inside a gate (drivers/chaos, CHAOS_RELAY).
 *
 * A caller describes the memory it knows (struct fz_space: its slot, a
 * writable buffer, a writable page with an unmapped page after it,
 * read-only pages, an unmapped hole); fz_make() draws one system call or
 * gate call from the seed's stream, with pointers chosen to hurt, and
 * predicts its result from the documented rules (docs/gate-abi.md: the
 * order of the pointer checks, the error codes, what each known gate
 * returns).  fz_check() compares.  Every prediction follows the
 * documentation, not the kernel's code, so a kernel that breaks a rule
 * is caught by the first call that exercises it.
 *
 * Calls never made (filtered), and why:
 *   - SYS_EXIT from an application: it ends the fuzzer (from a driver it
 *     is made, and must get -E_PERM);
 *   - SYS_IPC_REPLY_WAIT(_LONG) from an application: it would become the
 *     IPC server and wait for ever for a client (from a driver: -E_PERM);
 *   - SYS_GATE_RETURN from a driver: it leaves the relay's own gate;
 *   - SYS_THREAD_PIN with a CPU that exists (or -1): it would move the
 *     test runner's thread; only numbers that must be refused;
 *   - SYS_HEAP_GROW that could succeed: it would grow the caller's heap
 *     after the leak counters' start values; only 0 and too many pages;
 *   - SYS_WRITE of bytes that exist: they would land in the KTAP stream;
 *     only empty writes and bad pointers or lengths;
 *   - SYS_BENCH_RESULT with a sample count the kernel would take;
 *   - SYS_GATE_REGISTER from a driver that could succeed outside its own
 *     numbers (a gate would outlive the run): only refusals;
 *   - gates that never return or end other tests' drivers: hostile's spin
 *     (the watchdog; drivers/chaos covers it), fragile's every gate (its
 *     policy is refuse: one fault kills it for the cases after), null's
 *     meet with n > 1 (waits for threads that never come), and chaos's
 *     own gates but ping and relay (its run gate is the chaos case's);
 *   - ramfs paths other than FZ_PATHS names, and seeks past 64 KiB (but
 *     refused ones): files are kept in the driver's heap for the run.
 */
#ifndef SLOTGATE_FUZZ_H
#define SLOTGATE_FUZZ_H

#include "slotgate/abi.h"
#include "slotgate/chaos.h"
#include "slotgate/gates.h"
#include "slotgate/ramfs.h"
#include "slotgate/sys.h"

#define FZ_PAGE 4096ul
#define FZ_SLOT (1ul << 39)
#define FZ_UNKNOWN (-0x7fffffffffffffffl - 1) /* a prediction: "cannot say" */
#define FZ_ANY_OK (FZ_UNKNOWN + 1)              /* a prediction: ">= 0" */
#define FZ_MAX_DEPTH 8

/* Memory the caller knows; every region page aligned, whole pages. */
struct fz_space {
	unsigned long lo, hi;      /* its own slot */
	unsigned char *rw;         /* writable, rw_len bytes, the last one 0 */
	unsigned long rw_len;
	unsigned char *edge;       /* a writable page; the next is unmapped */
	const unsigned char *ro;   /* read-only, ro_len bytes, the last one 0 */
	unsigned long ro_len;
	unsigned long hole;        /* FZ_HOLE bytes unmapped */
	unsigned long low;         /* an address below 4 GiB (selector 0) */
	unsigned long low_len;     /* bytes from low on that are unmapped (in
				      the slot) or outside the slot */
};
#define FZ_HOLE (32ul << 20)

struct fz_ctx {
	unsigned long rng;
	struct fz_space sp;
	int driver;       /* the calls come from a driver */
	unsigned depth;   /* gate frames the caller runs in (app: 0) */
	unsigned long relay_n; /* calls per nested relay */
};

struct fz_call {
	long nr;
	unsigned long a[6];
	long want;        /* the result, FZ_UNKNOWN or FZ_ANY_OK */
	unsigned char *fill; /* ECHO_FILL: check the bytes after */
	unsigned long fill_n;
};

static const char fz_paths[8][12] = {
	"/gfz/a", "/gfz/b", "/gfz/c", "/gfz/d/e", "/gfz/d/f", "/gfz/g",
	"/gfz", "/",
};
#define FZ_PATHS 6 /* the first six are files the fuzzer may create */

static inline unsigned long fz_next(unsigned long *s)
{
	unsigned long x = (*s += 0x9e3779b97f4a7c15ul);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ul;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebul;
	return x ^ (x >> 31);
}

static inline unsigned long fz_below(unsigned long *s, unsigned long n)
{
	return n ? fz_next(s) % n : 0;
}

/* A size: mostly small, some at page sizes, a few large. */
static inline unsigned long fz_size(unsigned long *s, unsigned long max)
{
	unsigned long n;
	switch (fz_below(s, 8)) {
	case 0: n = fz_below(s, 8); break;
	case 1: case 2: n = fz_below(s, 128); break;
	case 3: n = FZ_PAGE * (1 + fz_below(s, 3)) + fz_below(s, 3) - 1; break;
	case 4: n = 4095 + fz_below(s, 3); break;
	case 5: n = 8190 + fz_below(s, 4); break;
	default: n = fz_below(s, max + 1); break;
	}
	return n > max ? max : n;
}

/* A random register value. */
static inline unsigned long fz_reg(unsigned long *s)
{
	switch (fz_below(s, 6)) {
	case 0: return 0;
	case 1: return fz_below(s, 16);
	case 2: return (unsigned long)-(long)fz_below(s, 16);
	case 3: return 1ul << fz_below(s, 64);
	default: return fz_next(s);
	}
}

/* --- the model: what the kernel must answer ------------------------------ */

static inline int fz_canonical(unsigned long p)
{
	return (unsigned long)((long)(p << 16) >> 16) == p;
}

/* A page of the caller's: 2 writable, 1 read-only, 0 unmapped, -1 unknown. */
static inline int fz_page(const struct fz_space *sp, unsigned long va)
{
	unsigned long rw = (unsigned long)sp->rw, ro = (unsigned long)sp->ro;
	unsigned long edge = (unsigned long)sp->edge;
	if (va - rw < sp->rw_len || va - edge < FZ_PAGE)
		return 2;
	if (va - ro < sp->ro_len)
		return 1;
	if (va - (edge + FZ_PAGE) < FZ_PAGE || va - sp->hole < FZ_HOLE ||
	    va - sp->low < sp->low_len)
		return 0;
	return -1;
}

/* Where [p, p + n) may lie (docs/gate-abi.md, "Validate"). */
static inline long fz_range(const struct fz_space *sp, unsigned long p, unsigned long n)
{
	if (!p)
		return -E_PTR_NULL;
	if (!fz_canonical(p))
		return -E_PTR_NONCANONICAL;
	if (p + n < p)
		return -E_PTR_WRAP;
	if (p >= 0x0000800000000000ul)
		return -E_PTR_KERNEL;
	if (p < sp->lo || p + n > sp->hi)
		return -E_PTR_OTHER_SLOT;
	return 0;
}

static inline long fz_expect_buf(const struct fz_space *sp, unsigned long p,
				 unsigned long n, int write)
{
	if (n > PTR_BUF_MAX)
		return -E_PTR_TOO_LONG;
	if (!n)
		return 0;
	long e = fz_range(sp, p, n);
	if (e)
		return e;
	for (unsigned long va = p & ~(FZ_PAGE - 1); va < p + n; va += FZ_PAGE) {
		int k = fz_page(sp, va);
		if (k < 0)
			return FZ_UNKNOWN;
		if (k == 0)
			return -E_PTR_UNMAPPED;
		if (k == 1 && write)
			return -E_PTR_READONLY;
	}
	return 0;
}

/* A string: 0 with its length in *len, an error, or FZ_UNKNOWN. */
static inline long fz_expect_str(const struct fz_space *sp, unsigned long p,
				 unsigned long *len)
{
	unsigned long end = p + PTR_STR_MAX;
	for (unsigned long page = p & ~(FZ_PAGE - 1); page < end; page += FZ_PAGE) {
		unsigned long from = page > p ? page : p;
		long e = fz_range(sp, from, 1);
		if (e)
			return e;
		int k = fz_page(sp, from);
		if (k < 0)
			return FZ_UNKNOWN;
		if (k == 0)
			return -E_PTR_UNMAPPED;
		for (unsigned long va = from; va < page + FZ_PAGE && va < end; va++)
			if (!*(const volatile char *)va) {
				*len = va - p;
				return 0;
			}
	}
	return -E_PTR_UNTERMINATED;
}

/* --- pointers chosen to hurt -------------------------------------------- */

/* An address in another slot than the caller's (or below its slot's end). */
static inline unsigned long fz_other_slot(struct fz_ctx *c)
{
	unsigned long s = 1 + fz_below(&c->rng, 255);
	unsigned long p = (s << 39) + fz_below(&c->rng, FZ_SLOT);
	return p - c->sp.lo < FZ_SLOT ? p ^ FZ_SLOT : p;
}

static inline unsigned long fz_kernel(struct fz_ctx *c)
{
	return fz_below(&c->rng, 2) ? 0xffff800000000000ul + fz_below(&c->rng, 1ul << 46)
				    : 0xffffffff80000000ul + fz_below(&c->rng, 1ul << 30);
}

static inline unsigned long fz_noncanonical(struct fz_ctx *c)
{
	unsigned long low = fz_below(&c->rng, 1ul << 47);
	switch (fz_below(&c->rng, 3)) {
	case 0: return 0x0000800000000000ul | low;
	case 1: return 0x8000000000000000ul | low;
	default: return (fz_next(&c->rng) | 0x0000800000000000ul) & ~(1ul << 63);
	}
}

/* A buffer for a gate of access @write; valid ones hold at most @cap
 * bytes.  Its predicted validation in the return value. */
static inline long fz_buf(struct fz_ctx *c, int write, unsigned long cap,
			  unsigned long *pp, unsigned long *np)
{
	struct fz_space *sp = &c->sp;
	unsigned long *r = &c->rng, p, n, k;
	switch (fz_below(r, 18)) {
	case 0: case 1: case 2: /* valid, anywhere in the writable buffer */
		p = (unsigned long)sp->rw + fz_below(r, sp->rw_len);
		n = fz_size(r, (unsigned long)sp->rw + sp->rw_len - p);
		break;
	case 3: /* valid, across page boundaries of it */
		k = FZ_PAGE * (1 + fz_below(r, sp->rw_len / FZ_PAGE - 1));
		p = (unsigned long)sp->rw + k - fz_below(r, 64);
		n = fz_size(r, (unsigned long)sp->rw + sp->rw_len - p);
		break;
	case 4: /* empty: any pointer at all */
		p = fz_below(r, 2) ? 0 : fz_next(r);
		n = 0;
		break;
	case 5: /* read-only pages */
		p = (unsigned long)sp->ro + fz_below(r, sp->ro_len);
		n = 1 + fz_below(r, (unsigned long)sp->ro + sp->ro_len - p);
		break;
	case 6: /* a page edge: the next page is unmapped */
		k = 1 + fz_below(r, 64);
		p = (unsigned long)sp->edge + FZ_PAGE - k;
		n = k + 1 + (fz_below(r, 3) ? fz_below(r, 16) : fz_size(r, 1 << 20));
		break;
	case 7: /* inside the edge page */
		p = (unsigned long)sp->edge + fz_below(r, FZ_PAGE);
		n = fz_below(r, (unsigned long)sp->edge + FZ_PAGE - p + 1);
		break;
	case 8: p = 0; n = 1 + fz_below(r, PTR_BUF_MAX); break;
	case 9: /* selector 0 */
		p = sp->low + fz_below(r, sp->low_len - FZ_PAGE);
		n = 1 + fz_below(r, FZ_PAGE);
		break;
	case 10: p = sp->hole + fz_below(r, FZ_PAGE); n = 1 + fz_size(r, 16 << 20); break;
	case 11: p = fz_kernel(c); n = 1 + fz_size(r, 1 << 20); break;
	case 12: p = fz_noncanonical(c); n = 1 + fz_below(r, 1 << 20); break;
	case 13: p = fz_other_slot(c); n = 1 + fz_below(r, 1 << 16); break;
	case 14: /* starts in its own slot, runs past the end */
		k = 1 + fz_below(r, FZ_PAGE);
		p = sp->hi - k;
		n = k + 1 + fz_below(r, FZ_PAGE);
		break;
	case 15: /* wraps */
		p = 0xfffffffffffff000ul + fz_below(r, FZ_PAGE);
		n = FZ_PAGE + fz_below(r, PTR_BUF_MAX - FZ_PAGE);
		break;
	case 16: /* too long; any pointer */
		p = fz_below(r, 2) ? (unsigned long)sp->rw : fz_next(r);
		n = fz_below(r, 2) ? PTR_BUF_MAX + 1 + fz_below(r, 1 << 20) : fz_next(r) | (1ul << 62);
		break;
	default: /* anything */
		p = fz_next(r);
		n = fz_reg(r);
		break;
	}
	long e = fz_expect_buf(sp, p, n, write);
	if (e == 0 && n > cap) /* a driver that may not get that much */
		n = cap, e = fz_expect_buf(sp, p, n, write);
	*pp = p, *np = n;
	return e;
}

/* A string; valid ones have their length in *len. */
static inline long fz_str(struct fz_ctx *c, int path, unsigned long *pp, unsigned long *len)
{
	struct fz_space *sp = &c->sp;
	unsigned long *r = &c->rng, p, k, room;
	static const unsigned long lens[] = {0, 1, 7, 8, 9, 4094, 4095, 4096, 4097, 6000};
	switch (fz_below(r, path ? 14 : 12)) {
	case 0: case 1: /* in the writable buffer, of a length at the limit or not */
		k = fz_below(r, 2) ? fz_below(r, 40) : lens[fz_below(r, 10)];
		room = sp->rw_len - 1 - k;
		p = (unsigned long)sp->rw + (k < sp->rw_len - 1 ? fz_below(r, room) : 0);
		for (unsigned long i = 0; i < k && p + i < (unsigned long)sp->rw + sp->rw_len - 1; i++)
			((char *)p)[i] = (char)('a' + i % 26);
		if (p + k < (unsigned long)sp->rw + sp->rw_len)
			((char *)p)[k] = 0;
		break;
	case 2: case 3: { /* to the edge page's end: its NUL there or past it */
		p = (unsigned long)sp->edge + FZ_PAGE - 1 - fz_below(r, 64);
		if (fz_below(r, 4) == 0)
			p = (unsigned long)sp->edge + fz_below(r, FZ_PAGE);
		for (unsigned long q = p; q < (unsigned long)sp->edge + FZ_PAGE; q++)
			*(char *)q = 'e';
		if (fz_below(r, 3) == 0)
			((char *)sp->edge)[FZ_PAGE - 1 - fz_below(r, (unsigned long)sp->edge + FZ_PAGE - p)] = 0;
		break;
	}
	case 4: p = (unsigned long)sp->ro + fz_below(r, sp->ro_len); break;
	case 5: p = 0; break;
	case 6: p = sp->low + fz_below(r, sp->low_len - FZ_PAGE); break;
	case 7: p = sp->hole + fz_below(r, FZ_PAGE); break;
	case 8: p = fz_kernel(c); break;
	case 9: p = fz_noncanonical(c); break;
	case 10: p = fz_other_slot(c); break;
	case 11: p = fz_next(r); break;
	default: p = (unsigned long)fz_paths[fz_below(r, 8)]; break;
	}
	*pp = p;
	return fz_expect_str(sp, p, len);
}

/* --- the calls ----------------------------------------------------------- */

/* FZ_RARE: a gate that mostly faults (its driver is reloaded, which
 * costs a thousand calls' time): drawn one time in 64. */
enum { FZ_OWN = 1, FZ_ECHO = 2, FZ_RAMFS = 4, FZ_SMALL = 8, FZ_NOAPP = 16, FZ_RARE = 32 };

struct fz_gate {
	unsigned short number;
	unsigned char cls, flags;
};

/* Every gate the test boot registers that the fuzzer calls (see above
 * for those it does not); the echo copies' offsets are echo_gate's. */
#define FZ_ECHO_ROW(base)                                                      \
	{base + ECHO_STRLEN, PTR_STR_IN, FZ_ECHO}, {base + ECHO_SUM, PTR_BUF_IN, FZ_ECHO}, \
	{base + ECHO_FILL, PTR_BUF_OUT, FZ_ECHO}, {base + ECHO_UPCASE, PTR_BUF_INOUT, FZ_ECHO}, \
	{base + ECHO_TWO, PTR_STR_BUF_IN, FZ_ECHO}, {base + ECHO_BESIDE, PTR_BUF_IN, FZ_ECHO | FZ_RARE}, \
	{base + ECHO_WHERE, PTR_BUF_IN, FZ_ECHO}, {base + ECHO_PEEK, PTR_NONE, FZ_ECHO | FZ_RARE}, \
	{base + ECHO_READ_INTO, PTR_HANDLE_BUF_OUT, FZ_ECHO}, {base + ECHO_TAKE, PTR_BUF_IN, FZ_ECHO}
static const struct fz_gate fz_gates[] = {
	{NULL_GATES + NULL_ADD, PTR_NONE, FZ_OWN},
	{NULL_GATES + NULL_TOUCH, PTR_NONE, 0},
	{NULL_GATES + NULL_PEEK, PTR_NONE, FZ_RARE},
	{NULL_GATES + NULL_PAGE, PTR_NONE, 0},
	{NULL_GATES + NULL_KERNEL_ONLY, PTR_NONE, FZ_OWN | FZ_NOAPP},
	{NULL_GATES + NULL_MEET, PTR_NONE, FZ_OWN},
	{NEST_GATES + NEST_DOWN, PTR_NONE, FZ_OWN},
	{NEST_GATES + NEST_KERNEL_ONLY, PTR_NONE, FZ_OWN},
	{NEST_GATES + NEST_PEEK, PTR_NONE, FZ_RARE},
	{NEST_GATES + NEST_SUM_VIA_ECHO, PTR_BUF_IN, FZ_OWN},
	{NEST_GATES + NEST_ECHO_OWN, PTR_NONE, FZ_OWN},
	{HOSTILE_GATES + HOSTILE_PF, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_GP, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_UD, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_DE, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_STACK, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_KERNEL_JUMP, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_COUNT, PTR_NONE, FZ_OWN},
	{HOSTILE_GATES + HOSTILE_UART_PORT, PTR_NONE, FZ_OWN | FZ_RARE},
	{HOSTILE_GATES + HOSTILE_EXIT, PTR_NONE, FZ_OWN},
	{HOSTILE_GATES + HOSTILE_IPC, PTR_NONE, FZ_OWN},
	{HOSTILE_GATES + HOSTILE_TAKE, PTR_BUF_IN, FZ_OWN},
	{HOSTILE_GATES + HOSTILE_SELF_BUF, PTR_NONE, FZ_OWN},
	FZ_ECHO_ROW(ECHO_GATES), FZ_ECHO_ROW(ECHOT_GATES), FZ_ECHO_ROW(ECHOA_GATES),
	{UART_GATES + UART_WRITE, PTR_BUF_IN, FZ_SMALL | FZ_OWN},
	{UART_GATES + UART_ECHO, PTR_BUF_INOUT, FZ_SMALL},
	{RAMFS_GATES + RAMFS_CREATE, PTR_STR_IN, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_OPEN, PTR_STR_IN, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_READ, PTR_HANDLE_BUF_OUT, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_WRITE, PTR_HANDLE_BUF_IN, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_SEEK, PTR_NONE, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_CLOSE, PTR_NONE, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_STAT, PTR_STR_BUF_OUT, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_LIST, PTR_STR_BUF_OUT, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_DELETE, PTR_STR_IN, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_WRITE_FILE, PTR_STR_BUF_IN, FZ_RAMFS},
	{RAMFS_GATES + RAMFS_READ_FILE, PTR_STR_BUF_OUT, FZ_RAMFS},
	{CHAOS_GATES + CHAOS_PING, PTR_NONE, FZ_OWN},
	{CHAOS_GATES + CHAOS_RELAY, PTR_NONE, FZ_OWN},
};
#define FZ_GATES (sizeof(fz_gates) / sizeof(fz_gates[0]))

/* A gate number the fuzzer must not draw (see the head of this file). */
static inline int fz_banned(unsigned long n)
{
	return n == HOSTILE_GATES + HOSTILE_SPIN ||
	       (n >= FRAGILE_GATES && n < FRAGILE_GATES + 16) ||
	       n == NULL_GATES + NULL_MEET ||
	       (n >= CHAOS_GATES && n < CHAOS_GATES + CHAOS_SPAN);
}

static inline const struct fz_gate *fz_find(unsigned long n)
{
	for (unsigned long i = 0; i < FZ_GATES; i++)
		if (fz_gates[i].number == n)
			return &fz_gates[i];
	return 0;
}

static inline unsigned long fz_sum(const unsigned char *p, unsigned long n)
{
	unsigned long s = 0;
	for (unsigned long i = 0; i < n; i++)
		s += p[i];
	return s;
}

/* Arguments and the prediction for gate @g. */
static inline void fz_gate_call(struct fz_ctx *c, const struct fz_gate *g, struct fz_call *k)
{
	unsigned long *r = &c->rng, p = 0, n = 0, s = 0, len = 0;
	long e = 0, es = 0;
	unsigned cls = g->cls;
	int write = cls == PTR_BUF_OUT || cls == PTR_BUF_INOUT ||
		    cls == PTR_HANDLE_BUF_OUT || cls == PTR_STR_BUF_OUT;
	unsigned long cap = g->flags & FZ_SMALL ? 64 : ~0ul;
	unsigned op = g->number >= ECHOA_GATES ? g->number - ECHOA_GATES
		    : g->number >= ECHOT_GATES ? g->number - ECHOT_GATES
					       : g->number - ECHO_GATES;

	k->nr = (long)(GATE_SYSCALL_BASE + g->number);
	for (int i = 0; i < 6; i++)
		k->a[i] = fz_reg(r);
	if (g->flags & FZ_RAMFS) {
		k->a[0] = fz_below(r, 4) ? fz_below(r, RAMFS_FDS + 4) : fz_reg(r);
		if (g->number == RAMFS_GATES + RAMFS_SEEK) {
			k->a[1] = fz_below(r, 4) ? fz_below(r, 1 << 16) : (1ul << 40) | fz_next(r);
			k->a[2] = fz_below(r, 4);
		}
	}
	if (cls == PTR_STR_IN || cls == PTR_STR_BUF_IN || cls == PTR_STR_BUF_OUT) {
		es = fz_str(c, g->flags & FZ_RAMFS, &s, &len);
		/* Files only by the fuzzer's names: a string that would make
		 * another is one of them instead. */
		if ((g->flags & FZ_RAMFS) && es == 0 && *(const char *)s == '/' &&
		    fz_page(&c->sp, s) == 2) {
			s = (unsigned long)fz_paths[fz_below(r, 8)];
			es = fz_expect_str(&c->sp, s, &len);
		}
		k->a[0] = s;
	}
	if (cls == PTR_BUF_IN || cls == PTR_BUF_OUT || cls == PTR_BUF_INOUT) {
		e = fz_buf(c, write, cap, &p, &n);
		k->a[0] = p, k->a[1] = n;
	} else if (cls >= PTR_HANDLE_BUF_IN) {
		e = fz_buf(c, write, cap, &p, &n);
		k->a[1] = p, k->a[2] = n;
	}
	if (es)
		e = es; /* the string is checked first */
	k->want = e ? e : FZ_UNKNOWN;
	if (g->number == NULL_GATES + NULL_MEET)
		k->a[0] = fz_below(r, 2); /* never a wait for others */
	/* The order of the checks: caller class, depth, pointers. */
	if ((g->flags & FZ_NOAPP) && !c->driver) {
		k->want = -E_FORBIDDEN;
		return;
	}
	if (c->depth + 1 > FZ_MAX_DEPTH) {
		k->want = -E_NESTING;
		return;
	}
	if (e)
		return;
	/* The pointers pass: what the driver answers, where it is known. */
	switch (g->number) {
	case NULL_GATES + NULL_ADD:
		k->want = (long)(k->a[0] + k->a[1] + k->a[2] + k->a[3] + k->a[4] + k->a[5]);
		if (k->want == FZ_UNKNOWN || k->want == FZ_ANY_OK)
			k->a[0] += 2, k->want += 2;
		return;
	case NULL_GATES + NULL_KERNEL_ONLY: k->want = 7; return;
	case NULL_GATES + NULL_MEET: k->want = 1; return;
	case NEST_GATES + NEST_DOWN:
		k->a[0] = fz_below(r, 3) ? fz_below(r, 10) : fz_reg(r);
		k->want = c->depth + 2 <= FZ_MAX_DEPTH &&
				  k->a[0] <= FZ_MAX_DEPTH - 2 - c->depth
			  ? 21 + (long)k->a[0]
			  : -E_NESTING;
		return;
	case NEST_GATES + NEST_KERNEL_ONLY:
		k->want = c->depth + 2 <= FZ_MAX_DEPTH ? 7 : -E_NESTING;
		return;
	case NEST_GATES + NEST_SUM_VIA_ECHO:
		k->want = c->depth + 2 > FZ_MAX_DEPTH ? -E_NESTING : (long)fz_sum((void *)p, n);
		return;
	case NEST_GATES + NEST_ECHO_OWN:
		k->want = c->depth + 2 <= FZ_MAX_DEPTH ? 14 : -E_NESTING;
		return;
	case HOSTILE_GATES + HOSTILE_EXIT: case HOSTILE_GATES + HOSTILE_IPC:
		k->want = -E_PERM;
		return;
	case HOSTILE_GATES + HOSTILE_COUNT: k->want = FZ_ANY_OK; return;
	case HOSTILE_GATES + HOSTILE_UART_PORT: k->want = -E_DRIVER_FAULT; return;
	case HOSTILE_GATES + HOSTILE_TAKE: k->want = (long)n; return;
	case HOSTILE_GATES + HOSTILE_SELF_BUF:
		k->want = c->depth + 2 <= FZ_MAX_DEPTH ? 8192 : -E_NESTING;
		return;
	case UART_GATES + UART_WRITE: k->want = (long)n; return;
	case CHAOS_GATES + CHAOS_PING: k->want = CHAOS_PONG; return;
	case CHAOS_GATES + CHAOS_RELAY:
		k->a[0] = fz_next(r);
		k->a[1] = fz_below(r, c->relay_n + 1);
		k->a[2] = c->depth + 1;
		k->want = 0;
		return;
	}
	if (g->number >= HOSTILE_GATES && g->number < HOSTILE_GATES + HOSTILE_COUNT) {
		k->a[0] = 0; /* stack's depth so far */
		k->want = -E_DRIVER_FAULT; /* the fault gates */
		return;
	}
	if (!(g->flags & FZ_ECHO))
		return;
	switch (op) {
	case ECHO_STRLEN: k->want = (long)len; break;
	case ECHO_SUM: k->want = (long)fz_sum((void *)p, n); break;
	case ECHO_FILL: k->want = (long)n; k->fill = (unsigned char *)p; k->fill_n = n; break;
	case ECHO_UPCASE: case ECHO_READ_INTO: case ECHO_TAKE: k->want = (long)n; break;
	case ECHO_TWO: k->want = (long)(len * 1000000 + fz_sum((void *)p, n)); break;
	default: break; /* beside, where, peek: any answer, a fault too */
	}
}

/* A plain system call (and the numbers around them) with its prediction. */
static inline void fz_plain_call(struct fz_ctx *c, struct fz_call *k)
{
	unsigned long *r = &c->rng, p, n;
	for (int i = 0; i < 6; i++)
		k->a[i] = fz_reg(r);
	k->want = FZ_UNKNOWN;
	switch (fz_below(r, 16)) {
	case 0: k->nr = SYS_NULL; k->want = 0; break;
	case 1:
		k->nr = SYS_TEST_ARGS;
		k->want = (long)(k->a[0] + 2 * k->a[1] + 3 * k->a[2] + 4 * k->a[3] +
				 5 * k->a[4] + 6 * k->a[5]);
		break;
	case 2: /* write: nothing reaches the console */
		k->nr = SYS_WRITE;
		switch (fz_below(r, 3)) {
		case 0: k->a[1] = 0; k->want = 0; break;
		case 1: k->a[1] = (1u << 20) + 1 + fz_below(r, 1ul << 40); k->want = -E_RANGE; break;
		default:
			k->a[0] = fz_below(r, 2) ? fz_kernel(c) : c->sp.hole + fz_below(r, FZ_PAGE);
			if (fz_below(r, 4) == 0)
				k->a[0] = 0;
			k->a[1] = 1 + fz_below(r, FZ_PAGE);
			k->want = -E_FAULT;
		}
		break;
	case 3:
		k->nr = SYS_COUNTERS;
		k->a[1] = fz_below(r, 3);
		if (fz_below(r, 2)) {
			p = (unsigned long)c->sp.rw + fz_below(r, c->sp.rw_len - 128);
			k->a[0] = p;
			k->want = k->a[1] > 1 ? -E_INVAL : 0;
		} else {
			k->a[0] = fz_below(r, 2) ? fz_kernel(c) : c->sp.hole;
			k->want = k->a[1] > 1 ? -E_INVAL : -E_FAULT;
		}
		break;
	case 4:
		k->nr = SYS_GATE_REGISTER;
		if (!c->driver) {
			k->want = -E_PERM;
			break;
		}
		/* Only refusals from a driver (see the head of this file). */
		n = fz_below(r, 3);
		if (n == 0) {
			k->a[0] = GATE_MAX + fz_below(r, 1ul << 40);
			k->want = -E_RANGE;
		} else if (n == 1) {
			k->a[0] = fz_gates[fz_below(r, FZ_GATES - 2)].number; /* not chaos's */
			k->a[1] = (unsigned long)fz_paths; /* in its image */
			k->a[2] = PTR_NONE;
			k->a[3] = GATE_FROM_APP;
			k->want = -E_BUSY;
		} else {
			k->a[0] = CHAOS_GATES + CHAOS_BULK_FIRST + fz_below(r, CHAOS_BULK_COUNT);
			switch (fz_below(r, 3)) {
			case 0: k->a[1] = fz_kernel(c); break;
			case 1: k->a[2] = PTR_CLASS_COUNT + fz_below(r, 1000); k->a[1] = (unsigned long)fz_paths; break;
			default: k->a[3] = fz_below(r, 2) ? 0 : 8 | fz_next(r); k->a[2] = 0; k->a[1] = (unsigned long)fz_paths; break;
			}
			k->want = -E_INVAL;
		}
		break;
	case 5:
		k->nr = SYS_HEAP_GROW;
		k->a[0] = fz_below(r, 2) ? 0 : 16385 + fz_below(r, 1ul << 40);
		k->want = -E_RANGE;
		break;
	case 6:
		k->nr = SYS_BENCH_SET;
		k->want = -E_PERM;
		break;
	case 7:
		k->nr = SYS_BENCH_RESULT;
		k->a[2] = fz_below(r, 2);
		k->want = -E_RANGE;
		break;
	case 8:
		k->nr = SYS_IPC_CALL;
		k->want = c->driver ? -E_PERM : -E_NOENT;
		break;
	case 9:
		k->nr = SYS_IPC_CALL_LONG;
		if (c->driver)
			k->want = -E_PERM;
		break;
	case 10:
		k->nr = SYS_THREAD_PIN;
		k->a[0] = 64 + fz_below(r, 1ul << 40);
		if (fz_below(r, 2))
			k->a[0] = -2 - fz_below(r, 1000);
		k->want = c->driver ? -E_PERM : FZ_UNKNOWN;
		break;
	case 11: { /* numbers nothing answers */
		static const long unused[] = {6, 10, 11};
		k->nr = fz_below(r, 2) ? unused[fz_below(r, 3)]
				       : SYS_COUNT + (long)fz_below(r, SYS_IPC_CALL - SYS_COUNT);
		k->want = -E_NOSYS;
		break;
	}
	case 12: /* gates past the table, huge numbers */
		k->nr = (long)(GATE_SYSCALL_BASE + GATE_MAX +
			       fz_below(r, GATE_SYSCALL_SPAN - GATE_MAX));
		k->want = -E_NOGATE;
		if (fz_below(r, 2)) { /* past the gates' span: no call at all */
			k->nr = (long)(GATE_SYSCALL_BASE + GATE_SYSCALL_SPAN +
				       fz_below(r, 1ul << 20));
			if (fz_below(r, 2))
				k->nr = (long)(fz_next(r) | (1ul << 40));
			k->want = -E_NOSYS;
		}
		break;
	case 13:
		if (c->driver) { /* the calls an application may not filter */
			static const long refused[] = {SYS_EXIT, SYS_IPC_REPLY_WAIT,
						       SYS_IPC_REPLY_WAIT_LONG};
			k->nr = refused[fz_below(r, 3)];
			k->want = -E_PERM;
		} else {
			k->nr = SYS_GATE_RETURN;
			k->want = -E_PERM;
		}
		break;
	default: /* a gate number drawn at random */
		n = fz_below(r, GATE_MAX);
		while (fz_banned(n))
			n = fz_below(r, GATE_MAX);
		k->nr = (long)(GATE_SYSCALL_BASE + n);
		if (fz_find(n))
			fz_gate_call(c, fz_find(n), k);
		else if (n < NULL_GATES || (n >= 512 && n < CLONE_GATES) || n >= CLONE_GATES + 2048)
			k->want = c->depth + 1 > FZ_MAX_DEPTH ? FZ_UNKNOWN : -E_NOGATE;
		break;
	}
}

/* Draw the next call. */
static inline void fz_make(struct fz_ctx *c, struct fz_call *k)
{
	k->fill = 0;
	k->fill_n = 0;
	/* The writable buffer's last byte stays a NUL: a string that runs to
	 * its end never reaches memory the model does not know. */
	c->sp.rw[c->sp.rw_len - 1] = 0;
	unsigned long w = fz_below(&c->rng, 100);
	if (w < 60) {
		const struct fz_gate *g;
		do
			g = &fz_gates[fz_below(&c->rng, FZ_GATES)];
		while ((g->flags & FZ_RARE) && fz_below(&c->rng, 64) != 0);
		fz_gate_call(c, g, k);
	} else {
		fz_plain_call(c, k);
	}
}

/* Did @k's result @got match?  0 if so. */
static inline int fz_check(const struct fz_call *k, long got)
{
	if (k->want == FZ_UNKNOWN)
		return 0;
	if (k->want == FZ_ANY_OK)
		return got < 0;
	if (got != k->want)
		return 1;
	for (unsigned long i = 0; i < k->fill_n; i++)
		if (k->fill[i] != (unsigned char)(i ^ 0x5a))
			return 2;
	return 0;
}

static inline long fz_do(const struct fz_call *k)
{
	return syscall6(k->nr, k->a[0], k->a[1], k->a[2], k->a[3], k->a[4], k->a[5]);
}

#endif
