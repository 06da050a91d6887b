/* test_elf_real.c - the ELF checks accept what our own toolchain builds. */
#include "elf.h"
#include "htest.h"
#include "memlayout.h"

#include <stdio.h>
#include <stdlib.h>

HTEST(elf_accepts_built_application)
{
	FILE *f = fopen(APP_ELF_PATH, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	static unsigned char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	struct elf_limits lim = {APP_IMAGE_LO, APP_IMAGE_HI};
	struct elf_image img;
	CHECK_EQ(elf_parse(buf, n, &lim, &img), ELF_OK);
	CHECK(img.segment_count >= 2);
	CHECK(img.entry >= APP_IMAGE_LO && img.entry < APP_IMAGE_HI);
	/* Outside its window the same image is refused. */
	struct elf_limits driver_slot = {slot_base(1), slot_base(2)};
	CHECK_EQ(elf_parse(buf, n, &driver_slot, &img), ELF_E_SEG_RANGE);
}
