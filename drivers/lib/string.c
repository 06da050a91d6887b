/*
 * string.c - the string helpers of the ring-3 runtime (app.h) that the
 * kernel has no use for.  memcpy, memmove, memset, memcmp, strlen,
 * strnlen, strcmp and strncmp come from kernel/kstring.c, which the
 * Makefile builds into every ring-3 image too.
 */
#include "slotgate/app.h"

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);
	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strlen(src);
	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = 0;
	}
	return len;
}
