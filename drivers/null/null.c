/*
 * null.c - the benchmark target and the probe driver.
 *
 * Gates (numbers from the module line's gates=N):
 *   +0 null(a..f)      return a + b + c + d + e + f (arguments transformed)
 *   +1 touch(n)        write one byte in each of n pages of its heap (grown
 *                      on demand, at most 1024 pages), return n
 *   +2 peek(addr)      read 8 bytes at addr in this driver's view, return them
 *   +3 page()          address of a page of this driver's data
 *   +4 kernel_only()   return 7; callable by drivers and the kernel only
 *   +5 meet(n)         wait inside the driver until n threads have come in,
 *                      return how many were inside at once (thread migration:
 *                      every caller runs here on its own stack)
 */
#include "slotgate/driver.h"

#define TOUCH_MAX 1024

static char pages[2][4096] __attribute__((aligned(4096)));
static char *heap;
static u64_t heap_pages;
/* A pointer in data: gives the image an R_X86_64_RELATIVE relocation. */
static const char *const hello __attribute__((used)) = "null driver";

static long null_gate(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	return (long)(a + b + c + d + e + f);
}

static long touch_gate(u64_t n, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	if (n > TOUCH_MAX)
		n = TOUCH_MAX;
	if (n > heap_pages) {
		long p = heap_grow(n - heap_pages);
		if (p < 0)
			return p;
		if (!heap)
			heap = (char *)p;
		heap_pages = n;
	}
	for (u64_t i = 0; i < n; i++)
		((volatile char *)heap)[i * 4096] = (char)i;
	return (long)n + (hello[0] == 'n' ? 0 : 1000);
}

static long peek_gate(u64_t addr, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	return *(volatile long *)addr;
}

static long page_gate(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	pages[1][0] = 0x5a;
	return (long)pages[1];
}

static long kernel_only_gate(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return 7;
}

static volatile long arrived, inside, peak;

static long meet_gate(u64_t n, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	/* Threads on several CPUs meet here at once: atomic updates. */
	long now = __atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
	long p = peak;
	while (p < now && !__atomic_compare_exchange_n(&peak, &p, now, 0,
						       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	while (arrived < (long)n)
		__asm__ volatile("pause");
	long seen = peak;
	if (__atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST) == 0)
		arrived = peak = 0;
	return seen;
}

long driver_init(u64_t base)
{
	const unsigned anyone = GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL;
	static const struct {
		gate_handler_t handler;
		unsigned callers;
	} gates[] = {
		{null_gate, anyone}, {touch_gate, anyone}, {peek_gate, anyone},
		{page_gate, anyone},
		{kernel_only_gate, GATE_FROM_DRIVER | GATE_FROM_KERNEL},
		{meet_gate, anyone},
	};
	/* A refusal goes back as it is (driver_load reports it): -E_BUSY
	 * when a number is taken, e.g. with the gate table full. */
	for (u64_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) {
		long err = gate_register(base + i, gates[i].handler, PTR_NONE,
					 gates[i].callers);
		if (err)
			return err;
	}
	return 0;
}
