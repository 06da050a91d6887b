/*
 * fuzz_elf.c - libFuzzer harness for elf_parse() and elf_parse_driver().
 *
 * The input is the whole image, copied to an exactly sized buffer so
 * ASan catches any read past its end.  It goes to both checkers: as an
 * executable in a fixed, roomy window, and as a driver in a 4 GiB span.
 * On success the result is checked against the documented invariants;
 * an accepted driver is also relocated and every write must land inside
 * a writable segment, with a value inside the span.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ikernel \
 *	tests/host/fuzz/fuzz_elf.c kernel/elf.c -o fuzz_elf
 */
#include "elf.h"

#include <stdlib.h>
#include <string.h>

#define DRIVER_SPAN (1ull << 32)
#define DRIVER_BASE 0x100000000ull

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

static void check_write(void *ctx, u64 offset, u64 value)
{
	const struct elf_image *img = ctx;
	size_t i;

	if (offset > DRIVER_SPAN - 8 || value - DRIVER_BASE > DRIVER_SPAN)
		abort();
	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_SEG_W) && offset >= s->vaddr &&
		    offset + 8 <= s->vaddr + s->memsz)
			return;
	}
	abort();
}

static void check_driver(const uint8_t *copy, size_t size)
{
	static const struct elf_limits span = { 0, DRIVER_SPAN };
	struct elf_image img;
	struct elf_relocs rel;

	if (elf_parse_driver(copy, size, DRIVER_SPAN, &img, &rel) != ELF_OK)
		return;
	check_image(&img, &span, size);
	if (rel.count > size / 24 || rel.offset + rel.count * 24 > size)
		abort();
	elf_relocate(copy, &rel, DRIVER_BASE, check_write, &img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct elf_limits lim = { 0x400000, 0x40000000 };
	struct elf_image img;
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	if (elf_parse(copy, size, &lim, &img) == ELF_OK)
		check_image(&img, &lim, size);
	check_driver(copy, size);
	free(copy);
	return 0;
}
