/*
 * echo.c - one gate per pointer class, for the pointer-passing tests and
 * the buffer-size benchmarks.  Every pointer arrives already validated
 * and mapped into this driver's window by the kernel.
 *   +0 strlen(str)            str_in
 *   +1 sum(buf, n)            buf_in: the sum of the bytes
 *   +2 fill(buf, n)           buf_out: buf[i] = i ^ 0x5a
 *   +3 upcase(buf, n)         buf_inout: a-z to A-Z
 *   +4 two(str, buf, n)       str_buf_in: strlen * 1000000 + sum
 *   +5 beside(buf, n)         buf_in: the bytes just before and after the
 *                             buffer in its pages, (before << 8) | after
 *   +6 where(buf, n)          buf_in: the address the buffer has here
 *   +7 peek(addr)             none: read a byte at addr
 *   +8 read_into(h, buf, n)   handle_buf_out: fill with h
 *   +9 take(buf, n)           buf_in: touch nothing, return n (what
 *                             passing a buffer costs, for the benchmarks)
 */
#include "slotgate/app.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"

#define UNUSED(x) (void)(x)

static long strlen_gate(u64_t s, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(b), UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	return (long)strlen((const char *)s);
}

static long sum(const unsigned char *p, u64_t n)
{
	long s = 0;
	for (u64_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static long sum_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	return sum((const unsigned char *)p, n);
}

static long fill_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	for (u64_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)(i ^ 0x5a);
	return (long)n;
}

static long upcase_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	char *s = (char *)p;
	for (u64_t i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	return (long)n;
}

static long two_gate(u64_t s, u64_t p, u64_t n, u64_t d, u64_t e, u64_t f)
{
	UNUSED(d), UNUSED(e), UNUSED(f);
	return (long)strlen((const char *)s) * 1000000 +
	       sum((const unsigned char *)p, n);
}

static long beside_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	/* Both lie in the buffer's first and last page, when those are
	 * shared with other data of the caller. */
	unsigned char before = ((volatile unsigned char *)p)[-1];
	unsigned char after = ((volatile unsigned char *)p)[n];
	return (long)before << 8 | after;
}

static long where_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(n), UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	return (long)p;
}

static long peek_gate(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(b), UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	return *(volatile unsigned char *)a;
}

static long read_into_gate(u64_t h, u64_t p, u64_t n, u64_t d, u64_t e, u64_t f)
{
	UNUSED(d), UNUSED(e), UNUSED(f);
	for (u64_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = (unsigned char)h;
	return (long)n;
}

static long take_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED(p), UNUSED(c), UNUSED(d), UNUSED(e), UNUSED(f);
	return (long)n;
}

long driver_init(u64_t base)
{
	static const struct {
		gate_handler_t handler;
		unsigned ptr_class;
	} gates[] = {
		{strlen_gate, PTR_STR_IN},      {sum_gate, PTR_BUF_IN},
		{fill_gate, PTR_BUF_OUT},       {upcase_gate, PTR_BUF_INOUT},
		{two_gate, PTR_STR_BUF_IN},     {beside_gate, PTR_BUF_IN},
		{where_gate, PTR_BUF_IN},       {peek_gate, PTR_NONE},
		{read_into_gate, PTR_HANDLE_BUF_OUT}, {take_gate, PTR_BUF_IN},
	};
	for (u64_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++)
		if (gate_register(base + i, gates[i].handler, gates[i].ptr_class,
				  GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL))
			return -1;
	return 0;
}
