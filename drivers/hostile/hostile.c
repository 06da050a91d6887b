/*
 * hostile.c - a driver that misbehaves on request, one gate per fault the
 * kernel must contain (SPEC M8).  Loaded twice: "hostile" (policy
 * restart) and "fragile" (policy refuse).
 *   +0 #PF  +1 #GP (privileged instruction)  +2 #UD  +3 #DE
 *   +4 stack overflow into the guard page  +5 jump into kernel space
 *   +6 never return (the watchdog)  +7 count(): a counter in its data,
 *   reset when the driver is restarted from its image
 *   +8 touch COM2's port, which only the UART driver may use (#GP)
 *   +9 try to end the borrowed thread (SYS_EXIT): must get -E_PERM
 *   +10 try to become an IPC server on it: must get -E_PERM
 *   +11 take(buf, n) (buf_in): return n   +12 pass two pages of its own
 *   to +11 (its own pages pinned in its own view)
 *   +13 ac_trap(kind): set RFLAGS.AC, then trap with it set: 0 #PF,
 *   1 #UD, 2 #BP, 3 #GP, 4 #DE, 5 spin through timer interrupts until
 *   the watchdog (traps_clear_ac: no handler may run with AC set)
 *   +14 heap_hog(chunk, limit): grow its heap @chunk pages at a time
 *   until refused or @limit pages are reached, writing the last byte of
 *   every page; returns pages grown << 8 | the refusal (its code, 0 when
 *   none) - exhaustion (tests/kernel/test_exhaust.c)
 *   +15 gate_flood(first, n): register gate numbers first .. first+n-1
 *   (handler: count) until a refusal other than -E_BUSY; returns
 *   registered | busy << 16 | (-last error) << 32
 *   +16 pass_down(buf, n, depth) (buf_in): depth 0: return n; else pass
 *   the window it got on to itself with depth - 1 and return that + 1
 *   (every nesting depth's window open at once)
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

static long counter;

#define UNUSED6 (void)a, (void)b, (void)c, (void)d, (void)e, (void)f

static long pf(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return *(volatile long *)0x1000; /* selector 0: never mapped here */
}

static long gp(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	__asm__ volatile("cli");
	return 0;
}

static long ud(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	__asm__ volatile("ud2");
	return 0;
}

static long de(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	long q;
	__asm__ volatile("xor %%edx, %%edx; xor %%ecx, %%ecx; mov $1, %%eax; divq %%rcx"
			 : "=a"(q)::"rcx", "rdx");
	return q;
}

static long stack(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	volatile char big[1024];
	big[0] = (char)a;
	if (a > (1ul << 40)) /* never: the guard page stops it long before */
		return 0;
	return stack(a + 1, b, c, d, e, f) + big[0];
}

static long kernel_jump(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return ((long (*)(void))0xffffffff80100000ul)();
}

static long spin(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	for (;;)
		__asm__ volatile("pause");
	return 0;
}

static long count(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return ++counter;
}

static long uart_port(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x2fd));
	return v;
}

static long try_exit(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return syscall6(SYS_EXIT, 0, 0, 0, 0, 0, 0);
}

static long try_ipc(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return syscall6(SYS_IPC_REPLY_WAIT, 0, 0, 0, 0, 0, 0);
}

static long ac_trap(u64_t kind, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	/* AC (bit 18) may be set at any CPL (SDM 1 §3.4.3.3). */
	__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq" ::: "memory", "cc");
	switch (kind) {
	case 0: return pf(0, 0, 0, 0, 0, 0);
	case 1: return ud(0, 0, 0, 0, 0, 0);
	case 2: __asm__ volatile("int3"); return 0;
	case 3: return gp(0, 0, 0, 0, 0, 0);
	case 4: return de(0, 0, 0, 0, 0, 0);
	default: return spin(0, 0, 0, 0, 0, 0);
	}
}

static u64_t my_base; /* first gate number, from driver_init */
static unsigned char own[2 * 4096] __attribute__((aligned(4096)));

static long take(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)p, (void)c, (void)d, (void)e, (void)f;
	return (long)n;
}

/* Call its own take gate with two whole pages of its own: the gate maps
 * (and pins) frames of the very view it maps them into. */
static long self_buffer(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	own[0] = own[4096] = 1;
	return gate_call(my_base + HOSTILE_TAKE, (u64_t)own, sizeof(own), 0, 0, 0, 0);
}

static u64_t hog_pages;

static long heap_hog(u64_t chunk, u64_t limit, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	u64_t grown = 0;
	long err = 0;
	while (grown < limit) {
		long p = heap_grow(chunk);
		if (p < 0) {
			err = p;
			break;
		}
		for (u64_t i = 0; i < chunk; i++) /* every page there and ours */
			((volatile char *)p)[i * 4096 + 4095] = (char)(hog_pages + i);
		grown += chunk;
		hog_pages += chunk;
	}
	return (long)(grown << 8 | (u64_t)-err);
}

static long gate_flood(u64_t first, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	u64_t ok = 0, busy = 0;
	long err = 0;
	for (u64_t g = first; g < first + n; g++) {
		err = gate_register(g, count, PTR_NONE, GATE_FROM_KERNEL);
		if (err == -E_BUSY)
			busy++;
		else if (err == 0)
			ok++;
		else
			break;
	}
	return (long)(ok | busy << 16 | (u64_t)-err << 32);
}

static long pass_down(u64_t buf, u64_t n, u64_t depth, u64_t d, u64_t e, u64_t f)
{
	(void)d, (void)e, (void)f;
	if (depth == 0)
		return (long)n;
	long r = gate_call(my_base + HOSTILE_PASS_DOWN, buf, n, depth - 1, 0, 0, 0);
	return r < 0 ? r : r + 1;
}

long driver_init(u64_t base)
{
	static const struct {
		gate_handler_t handler;
		u64_t ptr_class;
	} gates[] = {
		{pf, PTR_NONE}, {gp, PTR_NONE}, {ud, PTR_NONE}, {de, PTR_NONE},
		{stack, PTR_NONE}, {kernel_jump, PTR_NONE}, {spin, PTR_NONE},
		{count, PTR_NONE}, {uart_port, PTR_NONE}, {try_exit, PTR_NONE},
		{try_ipc, PTR_NONE}, {take, PTR_BUF_IN}, {self_buffer, PTR_NONE},
		{ac_trap, PTR_NONE},
		{heap_hog, PTR_NONE}, {gate_flood, PTR_NONE}, {pass_down, PTR_BUF_IN},
	};
	my_base = base;
	for (u64_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++)
		if (gate_register(base + i, gates[i].handler, gates[i].ptr_class,
				  GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL))
			return -1;
	return 0;
}
