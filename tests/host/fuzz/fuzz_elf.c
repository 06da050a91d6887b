/*
 * fuzz_elf.c - libFuzzer harness for elf_parse().
 *
 * The input is the whole image, copied to an exactly sized buffer so
 * ASan catches any read past its end.  The window is fixed and roomy, so
 * inputs that pass the header checks go on to the segment checks.  On
 * success the result is checked against the documented invariants.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ikernel \
 *	tests/host/fuzz/fuzz_elf.c kernel/elf.c -o fuzz_elf
 */
#include "elf.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_image(const struct elf_image *img,
			const struct elf_limits *lim, size_t size)
{
	size_t i;

	if (img->segment_count == 0 || img->segment_count > ELF_MAX_SEGMENTS)
		abort();
	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->filesz > s->memsz || s->offset + s->filesz > size)
			abort();
		if (s->vaddr < lim->lo || s->vaddr + s->memsz > lim->hi)
			abort();
		if ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct elf_limits lim = { 0x400000, 0x40000000 };
	struct elf_image img;
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	if (elf_parse(copy, size, &lim, &img) == ELF_OK)
		check_image(&img, &lim, size);
	free(copy);
	return 0;
}
