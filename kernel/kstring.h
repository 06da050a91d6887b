/*
 * kstring.h - the few C library string functions the kernel provides.
 *
 * The prototypes are the standard ones, so pure modules that include this
 * header build unchanged for the host, where the C library supplies them.
 */
#ifndef SLOTGATE_KSTRING_H
#define SLOTGATE_KSTRING_H

#include "types.h"

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
/* Index (0..7) of the first zero byte of the little-endian quadword @x,
 * or 8: strings are scanned a quadword at a time (strlen, and the gate's
 * string validation in slots/window.c).  An aligned quadword never
 * crosses a page, so reading one past the NUL is always safe. */
static inline unsigned zero_byte_index(u64 x)
{
	/* Bit 7 of each byte that is zero; a borrow can also flag bytes above
	 * the first zero byte, never below it, so the lowest flag is exact. */
	u64 z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
	return z ? (unsigned)__builtin_ctzll(z) / 8 : 8;
}
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Copy at most size-1 bytes and always terminate (size > 0). */
void strncpy_safe(char *dst, const char *src, size_t size);

#endif
