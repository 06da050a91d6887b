/*
 * fuzz_mb2.c - libFuzzer harness for mb2_parse().
 *
 * The input is copied into an exactly sized, 8-byte aligned heap buffer
 * (malloc alignment) and parsed with the right magic and limit = size.
 * On success every string must lie inside the buffer and be terminated
 * there, and every module must have start <= end.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ikernel \
 *	tests/host/fuzz/fuzz_mb2.c kernel/mb2.c -o fuzz_mb2
 */
#include "mb2.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, const uint8_t *buf, size_t size)
{
	const uint8_t *p = (const uint8_t *)s;

	if (*s == '\0' && (p < buf || p >= buf + size))
		return; /* the "" default for an absent tag */
	if (p < buf || p >= buf + size ||
	    !memchr(p, 0, size - (size_t)(p - buf)))
		abort();
}

static void check_info(const struct mb2_info *mi, const uint8_t *buf,
		       size_t size)
{
	size_t i;

	check_string(mi->cmdline, buf, size);
	check_string(mi->loader_name, buf, size);
	if (mi->mmap_count > MB2_MAX_MMAP || mi->module_count > MB2_MAX_MODULES)
		abort();
	if (mi->mmap_dropped && mi->mmap_count != MB2_MAX_MMAP)
		abort();
	for (i = 0; i < mi->module_count; i++) {
		if (mi->modules[i].start > mi->modules[i].end)
			abort();
		check_string(mi->modules[i].cmdline, buf, size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_info info;
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	if (mb2_parse(MB2_BOOTLOADER_MAGIC, copy, size, &info) == MB2_OK)
		check_info(&info, copy, size);
	free(copy);
	return 0;
}
