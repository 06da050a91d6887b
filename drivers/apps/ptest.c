/*
 * ptest.c - the application half of the pointer-passing tests: it calls
 * the echo driver (and nest, for a nested buffer) with good and bad
 * pointers and exits with what it observed (slotgate/ptest.h).
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/ptest.h"

#define BIG (1u << 20)

static unsigned char buf[BIG + 8192] __attribute__((aligned(4096)));
static char unterminated[8192];
static const char readonly[64] = "constant";

static long echo(u64_t g, u64_t a, u64_t b, u64_t c)
{
	return gate_call(ECHO_GATES + g, a, b, c, 0, 0, 0);
}

static long sum_check(u64_t gate, u64_t n)
{
	long mine = 0;
	for (u64_t i = 0; i < n; i++) {
		buf[i] = (unsigned char)i;
		mine += (unsigned char)i;
	}
	long theirs = gate_call(gate, (u64_t)buf, n, 0, 0, 0, 0);
	return theirs == mine ? 0 : 1;
}

static long buf_out(u64_t n)
{
	unsigned char *p = buf + 100; /* unaligned: head and tail pages bounce */
	p[-1] = 0xaa;
	p[n] = 0xbb;
	if (echo(ECHO_FILL, (u64_t)p, n, 0) != (long)n)
		return 2;
	for (u64_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i ^ 0x5a))
			return 3;
	return p[-1] == 0xaa && p[n] == 0xbb ? 0 : 4;
}

/* Strings that start at every quadword alignment before a page end and
 * end before, on and after it; then the longest string and one too long. */
static long str_edges(void)
{
	static const u64_t lens[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 4095};
	long k = 0;
	/* Bytes before the start, in its quadword, are not the string: with
	 * nothing but 'q' after it, a scan that took the NUL before it would
	 * run on and call the string unterminated. */
	for (u64_t i = 4000; i < 4096 + 2 * PTR_STR_MAX; i++)
		buf[i] = 'q';
	for (u64_t start = 4089; start < 4096; start++, k++) {
		buf[start - 1] = 0, buf[start] = 0;
		if (echo(ECHO_STRLEN, (u64_t)buf + start, 0, 0) != 0)
			return 1000 * k + 1;
		buf[start - 1] = 'q';
	}
	for (u64_t start = 4096 - 24; start < 4096 + 8; start++)
		for (u64_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++, k++) {
			char *s = (char *)buf + start;
			s[-1] = 0; /* a NUL just before must not count */
			for (u64_t i = 0; i < lens[j]; i++)
				s[i] = (char)('a' + i % 26);
			s[lens[j]] = 0;
			if (echo(ECHO_STRLEN, (u64_t)s, 0, 0) != (long)lens[j])
				return 1000 * k + 1;
		}
	for (u64_t i = 0; i < PTR_STR_MAX; i++) /* its NUL one byte too far */
		buf[100 + i] = 'z';
	buf[100 + PTR_STR_MAX] = 0;
	if (echo(ECHO_STRLEN, (u64_t)buf + 100, 0, 0) != -E_PTR_UNTERMINATED)
		return 1000 * k + 1;
	return 0;
}

static long bad(u64_t kind)
{
	for (int i = 0; i < (int)sizeof(unterminated); i++)
		unterminated[i] = 'x';
	switch (kind) {
	case BAD_NULL: return echo(ECHO_SUM, 0, 16, 0);
	case BAD_KERNEL: return echo(ECHO_SUM, 0xffff800000001000ul, 16, 0);
	case BAD_NONCANONICAL: return echo(ECHO_SUM, 0x0000900000000000ul, 16, 0);
	case BAD_UNMAPPED: return echo(ECHO_SUM, 0x10000000ul, 16, 0);
	case BAD_WRAP: return echo(ECHO_SUM, 0xfffffffffffff000ul, 0x2000, 0);
	case BAD_TOO_LONG: return echo(ECHO_SUM, (u64_t)buf, PTR_BUF_MAX + 1, 0);
	case BAD_UNTERMINATED: return echo(ECHO_STRLEN, (u64_t)unterminated, 0, 0);
	case BAD_READONLY_OUT: return echo(ECHO_FILL, (u64_t)readonly, 8, 0);
	case BAD_OTHER_SLOT: return echo(ECHO_SUM, 0x0000008000000000ul, 16, 0);
	case BAD_PAST_SLOT_END: {
		/* Starts on a mapped page of its own slot (its stack), ends
		 * in the next slot: refused for the slot, not for the
		 * unmapped guard page at the top of slot 0 it crosses. */
		volatile u64_t here = 0;
		u64_t p = (u64_t)&here;
		return echo(ECHO_SUM, p, 0x0000008000000000ul + 16 - p, 0);
	}
	default: return -1000;
	}
}

long main(u64_t arg)
{
	u64_t param = arg >> 8;
	switch (arg & 0xff) {
	case PT_STR_IN:
		return echo(ECHO_STRLEN, (u64_t) "hello, slot", 0, 0);
	case PT_BUF_IN:
		return sum_check(ECHO_GATES + ECHO_SUM, param);
	case PT_BUF_OUT:
		return buf_out(param);
	case PT_BUF_INOUT: {
		char s[] = "mixed Case";
		echo(ECHO_UPCASE, (u64_t)s, sizeof(s) - 1, 0);
		const char *want = "MIXED CASE";
		for (int i = 0; want[i]; i++)
			if (s[i] != want[i])
				return 1;
		return 0;
	}
	case PT_TWO_BUFFERS: {
		unsigned char b[3] = {1, 2, 3};
		return echo(ECHO_TWO, (u64_t) "abc", (u64_t)b, 3);
	}
	case PT_PARTIAL_PAGE: {
		unsigned char *p = buf + 2000;
		p[-1] = 0xaa;
		p[16] = 0xaa;
		return echo(ECHO_BESIDE, (u64_t)p, 16, 0);
	}
	case PT_WINDOW_UNMAPPED: {
		/* 64 KiB: mapped, not copied; gone after the call. */
		long where = echo(ECHO_WHERE, (u64_t)buf, 65536, 0);
		if (where < 0)
			return where;
		return echo(ECHO_PEEK, (u64_t)where, 0, 0);
	}
	case PT_COPY_AREA_ZEROED: {
		/* 64 bytes: copied through the copy area, which stays mapped
		 * but holds nothing of ours after the call. */
		for (int i = 0; i < 64; i++)
			buf[i] = 0x77;
		long where = echo(ECHO_WHERE, (u64_t)buf, 64, 0);
		if (where < 0)
			return where;
		return echo(ECHO_PEEK, (u64_t)where, 0, 0);
	}
	case PT_BAD:
		return bad(param);
	case PT_NESTED:
		return sum_check(NEST_GATES + NEST_SUM_VIA_ECHO, param);
	case PT_TRUSTED: {
		if (sum_check(ECHOT_GATES + ECHO_SUM, 50000) != 0)
			return 2;
		long where = gate_call(ECHOT_GATES + ECHO_WHERE, (u64_t)buf, 64, 0, 0, 0, 0);
		return where == (long)buf ? 0 : 1; /* no window: the same pointer */
	}
	case PT_STR_EDGES:
		return str_edges();
	case PT_ALLMAPPED: {
		if (sum_check(ECHOA_GATES + ECHO_SUM, 50000) != 0)
			return 2;
		long where = gate_call(ECHOA_GATES + ECHO_WHERE, (u64_t)buf, 64, 0, 0, 0, 0);
		return where > 0 && where != (long)buf ? 0 : 1;
	}
	case PT_HANDLE_BUF: {
		if (echo(ECHO_READ_INTO, 7, (u64_t)buf, 100) != 100)
			return 2;
		for (int i = 0; i < 100; i++)
			if (buf[i] != 7)
				return 1;
		return 0;
	}
	default:
		return -1000;
	}
}
