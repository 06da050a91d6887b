/*
 * test_elf.c - host tests for the ELF64 validator (kernel/elf.c).
 *
 * good_image() builds a small valid static executable in memory: the ELF
 * header, two program headers, an R+X text segment holding the entry and
 * an RW data segment whose memsz exceeds its filesz.  Each case mutates
 * one field and asserts the exact error; every ELF_E_* value is reached.
 * The image under test is copied into an exactly sized heap buffer, so
 * ASan reports any read past its end.
 */
#include "htest.h"
#include "elf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMG_SIZE 0x2010
#define TEXT_OFF 0x1000
#define TEXT_VA 0x401000ull
#define DATA_OFF 0x2000
#define DATA_VA 0x402000ull
#define PHOFF 64
#define PHSIZE 56

/* Field offsets in the ELF64 header and a program header. */
#define EH_CLASS 4
#define EH_DATA 5
#define EH_IVERSION 6
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define PH_TYPE 0
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_FILESZ 32
#define PH_MEMSZ 40

struct img {
	unsigned char b[IMG_SIZE + 16 * PHSIZE];
	size_t size;
};

static const struct elf_limits lim = { 0x400000, 0x800000 };

static void put16(struct img *m, size_t off, uint16_t v)
{
	memcpy(m->b + off, &v, sizeof(v));
}

static void put32(struct img *m, size_t off, uint32_t v)
{
	memcpy(m->b + off, &v, sizeof(v));
}

static void put64(struct img *m, size_t off, uint64_t v)
{
	memcpy(m->b + off, &v, sizeof(v));
}

static size_t ph(int i, size_t field)
{
	return PHOFF + (size_t)i * PHSIZE + field;
}

static void set_phdr(struct img *m, int i, uint32_t type, uint32_t flags,
		     uint64_t off, uint64_t va, uint64_t filesz, uint64_t memsz)
{
	put32(m, ph(i, PH_TYPE), type);
	put32(m, ph(i, PH_FLAGS), flags);
	put64(m, ph(i, PH_OFFSET), off);
	put64(m, ph(i, PH_VADDR), va);
	put64(m, ph(i, 24), va); /* p_paddr */
	put64(m, ph(i, PH_FILESZ), filesz);
	put64(m, ph(i, PH_MEMSZ), memsz);
	put64(m, ph(i, 48), 0x1000); /* p_align */
}

static void good_image(struct img *m)
{
	static const unsigned char ident[8] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

	memset(m, 0, sizeof(*m));
	m->size = IMG_SIZE;
	memcpy(m->b, ident, sizeof(ident));
	put16(m, EH_TYPE, 2);     /* ET_EXEC */
	put16(m, EH_MACHINE, 62); /* EM_X86_64 */
	put32(m, EH_VERSION, 1);
	put64(m, EH_ENTRY, TEXT_VA + 0x10);
	put64(m, EH_PHOFF, PHOFF);
	put16(m, 52, 64); /* e_ehsize */
	put16(m, EH_PHENTSIZE, PHSIZE);
	put16(m, EH_PHNUM, 2);
	set_phdr(m, 0, 1, ELF_SEG_R | ELF_SEG_X, TEXT_OFF, TEXT_VA, 0x100, 0x100);
	set_phdr(m, 1, 1, ELF_SEG_R | ELF_SEG_W, DATA_OFF, DATA_VA, 0x10, 0x3000);
	memset(m->b + TEXT_OFF, 0xcc, 0x100);
}

/* Parse the first @size bytes of @m from an exactly sized heap copy. */
static int parse_n(const struct img *m, size_t size, struct elf_image *out)
{
	unsigned char *copy = malloc(size ? size : 1);
	int err;

	memcpy(copy, m->b, size);
	err = elf_parse(copy, size, &lim, out);
	free(copy);
	return err;
}

static int parse(const struct img *m)
{
	struct elf_image out;

	return parse_n(m, m->size, &out);
}

HTEST(elf_accepts_good_image)
{
	struct img m;
	struct elf_image out;

	good_image(&m);
	CHECK_EQ(parse_n(&m, m.size, &out), ELF_OK);
	CHECK_EQ(out.entry, TEXT_VA + 0x10);
	CHECK_EQ(out.segment_count, 2);
	CHECK_EQ(out.segments[0].vaddr, TEXT_VA);
	CHECK_EQ(out.segments[0].offset, TEXT_OFF);
	CHECK_EQ(out.segments[0].filesz, 0x100);
	CHECK_EQ(out.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
	CHECK_EQ(out.segments[1].vaddr, DATA_VA);
	CHECK_EQ(out.segments[1].filesz, 0x10);
	CHECK_EQ(out.segments[1].memsz, 0x3000);
	CHECK_EQ(out.segments[1].flags, ELF_SEG_R | ELF_SEG_W);
}

HTEST(elf_rejects_every_truncation)
{
	struct img m;
	struct elf_image out;
	size_t n;
	int bad = 0;

	good_image(&m);
	CHECK_EQ(parse_n(&m, 63, &out), ELF_E_TRUNCATED);
	CHECK_EQ(parse_n(&m, 0, &out), ELF_E_TRUNCATED);
	for (n = 0; n < m.size; n++)
		bad += parse_n(&m, n, &out) == ELF_OK;
	CHECK_EQ(bad, 0);
}

HTEST(elf_rejects_bad_magic)
{
	struct img m;

	good_image(&m);
	m.b[3] = 'G';
	CHECK_EQ(parse(&m), ELF_E_MAGIC);
}

HTEST(elf_rejects_32bit_class)
{
	struct img m;

	good_image(&m);
	m.b[EH_CLASS] = 1;
	CHECK_EQ(parse(&m), ELF_E_CLASS);
}

HTEST(elf_rejects_big_endian)
{
	struct img m;

	good_image(&m);
	m.b[EH_DATA] = 2;
	CHECK_EQ(parse(&m), ELF_E_DATA);
}

HTEST(elf_rejects_bad_version)
{
	struct img m;

	good_image(&m);
	m.b[EH_IVERSION] = 0;
	CHECK_EQ(parse(&m), ELF_E_VERSION);
	good_image(&m);
	put32(&m, EH_VERSION, 2);
	CHECK_EQ(parse(&m), ELF_E_VERSION);
}

HTEST(elf_rejects_non_exec_type)
{
	struct img m;

	good_image(&m);
	put16(&m, EH_TYPE, 3); /* ET_DYN */
	CHECK_EQ(parse(&m), ELF_E_TYPE);
}

HTEST(elf_rejects_interp_and_dynamic)
{
	struct img m;

	good_image(&m);
	put16(&m, EH_PHNUM, 3);
	set_phdr(&m, 2, 3, ELF_SEG_R, 0x200, 0x400200, 0x10, 0x10);
	CHECK_EQ(parse(&m), ELF_E_TYPE);
	put32(&m, ph(2, PH_TYPE), 2); /* PT_DYNAMIC */
	CHECK_EQ(parse(&m), ELF_E_TYPE);
}

HTEST(elf_rejects_wrong_machine)
{
	struct img m;

	good_image(&m);
	put16(&m, EH_MACHINE, 3); /* EM_386 */
	CHECK_EQ(parse(&m), ELF_E_MACHINE);
}

HTEST(elf_rejects_bad_phdr_table)
{
	struct img m;

	good_image(&m);
	put16(&m, EH_PHENTSIZE, 64);
	CHECK_EQ(parse(&m), ELF_E_PHDR);
	good_image(&m);
	put16(&m, EH_PHNUM, 0xffff); /* 3.6 MB of headers in an 8 KB file */
	CHECK_EQ(parse(&m), ELF_E_PHDR);
	good_image(&m);
	put64(&m, EH_PHOFF, m.size - PHSIZE); /* second header past the end */
	CHECK_EQ(parse(&m), ELF_E_PHDR);
	good_image(&m);
	put64(&m, EH_PHOFF, UINT64_MAX - 8); /* phoff + table wraps */
	CHECK_EQ(parse(&m), ELF_E_PHDR);
}

HTEST(elf_rejects_no_load_segment)
{
	struct img m;

	good_image(&m);
	put32(&m, ph(0, PH_TYPE), 4);          /* PT_NOTE */
	put32(&m, ph(1, PH_TYPE), 0x6474e551); /* PT_GNU_STACK */
	CHECK_EQ(parse(&m), ELF_E_NO_SEGMENTS);
	put16(&m, EH_PHNUM, 0);
	CHECK_EQ(parse(&m), ELF_E_NO_SEGMENTS);
}

HTEST(elf_ignores_note_and_gnu_stack)
{
	struct img m;
	struct elf_image out;

	good_image(&m);
	put16(&m, EH_PHNUM, 4);
	set_phdr(&m, 2, 4, ELF_SEG_R, 0x200, 0x400200, 0x10, 0x10);
	set_phdr(&m, 3, 0x6474e551, ELF_SEG_R | ELF_SEG_W | ELF_SEG_X, 0, 0, 0, 0);
	CHECK_EQ(parse_n(&m, m.size, &out), ELF_OK);
	CHECK_EQ(out.segment_count, 2);
}

HTEST(elf_rejects_too_many_segments)
{
	struct img m;
	struct elf_image out;
	int i;

	good_image(&m);
	put16(&m, EH_PHNUM, ELF_MAX_SEGMENTS);
	for (i = 2; i < ELF_MAX_SEGMENTS; i++)
		set_phdr(&m, i, 1, ELF_SEG_R, 0, 0x500000 + i * 0x1000ull, 0x10,
			 0x10);
	CHECK_EQ(parse_n(&m, m.size, &out), ELF_OK);
	CHECK_EQ(out.segment_count, ELF_MAX_SEGMENTS);
	put16(&m, EH_PHNUM, ELF_MAX_SEGMENTS + 1);
	set_phdr(&m, ELF_MAX_SEGMENTS, 1, ELF_SEG_R, 0, 0x600000, 0x10, 0x10);
	CHECK_EQ(parse(&m), ELF_E_TOO_MANY);
}

HTEST(elf_rejects_filesz_over_memsz_and_empty)
{
	struct img m;

	good_image(&m);
	put64(&m, ph(1, PH_MEMSZ), 0x8);
	CHECK_EQ(parse(&m), ELF_E_SEG_SIZE);
	good_image(&m);
	put64(&m, ph(1, PH_FILESZ), 0);
	put64(&m, ph(1, PH_MEMSZ), 0);
	CHECK_EQ(parse(&m), ELF_E_SEG_SIZE);
}

HTEST(elf_rejects_file_bytes_outside_file)
{
	struct img m;

	good_image(&m);
	put64(&m, ph(1, PH_FILESZ), 0x11); /* one byte past the end */
	CHECK_EQ(parse(&m), ELF_E_SEG_FILE);
	good_image(&m);
	put64(&m, ph(1, PH_OFFSET), UINT64_MAX - 0xfff); /* offset + filesz wraps */
	put64(&m, ph(1, PH_VADDR), DATA_VA);
	CHECK_EQ(parse(&m), ELF_E_SEG_FILE);
	good_image(&m);
	put64(&m, ph(0, PH_FILESZ), UINT64_MAX); /* filesz alone wraps */
	put64(&m, ph(0, PH_MEMSZ), UINT64_MAX);
	CHECK_EQ(parse(&m), ELF_E_SEG_FILE);
}

HTEST(elf_rejects_incongruent_offset)
{
	struct img m;

	good_image(&m);
	put64(&m, ph(0, PH_VADDR), TEXT_VA + 8);
	put64(&m, EH_ENTRY, TEXT_VA + 0x10);
	CHECK_EQ(parse(&m), ELF_E_SEG_ALIGN);
}

HTEST(elf_rejects_segment_outside_window)
{
	struct img m;
	struct elf_image out;

	good_image(&m);
	put64(&m, ph(0, PH_VADDR), 0x3ff000); /* below lo */
	put64(&m, EH_ENTRY, 0x3ff010);
	CHECK_EQ(parse(&m), ELF_E_SEG_RANGE);
	good_image(&m);
	put64(&m, ph(1, PH_MEMSZ), 0x800000 - DATA_VA); /* ends exactly at hi */
	CHECK_EQ(parse_n(&m, m.size, &out), ELF_OK);
	put64(&m, ph(1, PH_MEMSZ), 0x800000 - DATA_VA + 1);
	CHECK_EQ(parse(&m), ELF_E_SEG_RANGE);
}

HTEST(elf_rejects_vaddr_plus_memsz_wrap)
{
	struct img m;

	good_image(&m);
	put64(&m, ph(1, PH_VADDR), UINT64_MAX - 0xfff); /* congruent with 0x2000 */
	put64(&m, ph(1, PH_MEMSZ), 0x2000);
	CHECK_EQ(parse(&m), ELF_E_SEG_RANGE);
}

HTEST(elf_rejects_segments_sharing_a_page)
{
	struct img m;
	struct elf_image out;

	good_image(&m);
	put64(&m, ph(0, PH_FILESZ), 0xff0);
	put64(&m, ph(0, PH_MEMSZ), 0xff0);
	put64(&m, ph(1, PH_OFFSET), 0x1ff8); /* data starts in text's page */
	put64(&m, ph(1, PH_VADDR), TEXT_VA + 0xff8);
	CHECK_EQ(parse(&m), ELF_E_SEG_OVERLAP);
	put64(&m, ph(1, PH_OFFSET), 0x2000); /* next page: fine */
	put64(&m, ph(1, PH_VADDR), DATA_VA);
	CHECK_EQ(parse_n(&m, m.size, &out), ELF_OK);
}

HTEST(elf_rejects_wx_segment)
{
	struct img m;

	good_image(&m);
	put32(&m, ph(1, PH_FLAGS), ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
	CHECK_EQ(parse(&m), ELF_E_SEG_WX);
}

HTEST(elf_rejects_entry_outside_text)
{
	struct img m;

	good_image(&m);
	put64(&m, EH_ENTRY, DATA_VA + 4); /* in a mapped, non-executable page */
	CHECK_EQ(parse(&m), ELF_E_ENTRY);
	put64(&m, EH_ENTRY, TEXT_VA + 0x100); /* one past the text end */
	CHECK_EQ(parse(&m), ELF_E_ENTRY);
	put64(&m, EH_ENTRY, TEXT_VA + 0xff); /* last text byte: fine */
	CHECK_EQ(parse(&m), ELF_OK);
}

HTEST(elf_names_every_error)
{
	CHECK(strcmp(elf_error_name(ELF_OK), "ELF_OK") == 0);
	CHECK(strcmp(elf_error_name(ELF_E_MAGIC), "ELF_E_MAGIC") == 0);
	CHECK(strcmp(elf_error_name(ELF_E_SEG_WX), "ELF_E_SEG_WX") == 0);
	CHECK(strcmp(elf_error_name(ELF_E_ENTRY), "ELF_E_ENTRY") == 0);
	CHECK(strcmp(elf_error_name(-18), "ELF_E_UNKNOWN") == 0);
	CHECK(strcmp(elf_error_name(1), "ELF_E_UNKNOWN") == 0);
}
