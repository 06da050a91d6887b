/*
 * kstring.c - memcpy and friends, for the freestanding kernel and for the
 * ring-3 runtime alike (the Makefile builds this file into every image).
 */
#include "kstring.h"

/* Whole quadwords with REP MOVSQ/STOSQ, the rest bytewise: the same
 * speed as REP MOVSB on CPUs with fast strings, and 8x fewer iterations
 * where an emulator counts each one (icount), so copy costs are not
 * inflated against everything else. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;
	size_t q = n / 8, b = n % 8;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(q)::"memory");
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(b)::"memory");
	return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((u64)dst - (u64)src < n) {
		/* dst starts inside src: copy backwards.  A loop in C could be
		 * turned into a call to memmove itself by the compiler. */
		u8 *d = (u8 *)dst + n - 1;
		const u8 *s = (const u8 *)src + n - 1;
		__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n)::"memory");
		return dst;
	}
	return memcpy(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	u64 v = 0x0101010101010101ull * (u8)c;
	size_t q = n / 8, b = n % 8;
	__asm__ volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(b) : "a"(v) : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	/* Bytes up to the first aligned quadword, then quadwords. */
	const char *p = s;
	for (; (u64)p & 7; p++)
		if (!*p)
			return (size_t)(p - s);
	/* may_alias: the bytes are read as quadwords. */
	typedef u64 __attribute__((may_alias)) word;
	for (const word *q = (const word *)p;; q++) {
		unsigned i = zero_byte_index(*q);
		if (i < 8)
			return (size_t)((const char *)q + i - s);
	}
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (u8)*a - (u8)*b;
	}
	return 0;
}

void strncpy_safe(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}
