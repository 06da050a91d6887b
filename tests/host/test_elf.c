/*
 * test_elf.c - host tests for the ELF64 validator (kernel/elf.c).
 *
 * good_image() builds a small valid static executable in memory: the ELF
 * header, two program headers, an R+X text segment holding the entry and
 * an RW data segment whose memsz exceeds its filesz.  Each case mutates
 * one field and asserts the exact error; every ELF_E_* value is reached.
 * The image under test is copied into an exactly sized heap buffer, so
 * ASan reports any read past its end.
 *
 * driver_image() builds a small valid ET_DYN driver the same way: R+X
 * text at 0, R rodata holding the RELA table, RW data holding PT_DYNAMIC
 * and the two R_X86_64_RELATIVE targets; the elf_driver_* cases mutate it.
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
	unsigned char b[0x4000]; /* room for either image and spare headers */
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
	CHECK(strcmp(elf_error_name(ELF_E_DYNAMIC), "ELF_E_DYNAMIC") == 0);
	CHECK(strcmp(elf_error_name(ELF_E_RELOC_TYPE), "ELF_E_RELOC_TYPE") ==
	      0);
	CHECK(strcmp(elf_error_name(ELF_E_RELOC_RANGE), "ELF_E_RELOC_RANGE") ==
	      0);
	CHECK(strcmp(elf_error_name(-21), "ELF_E_UNKNOWN") == 0);
	CHECK(strcmp(elf_error_name(1), "ELF_E_UNKNOWN") == 0);
}

/* ---- drivers: ET_DYN images linked at 0 ---------------------------------- */

#define DRV_SIZE 0x3100
#define DRV_TEXT_OFF 0x1000 /* text: va 0, 0x100 bytes, R+X */
#define DRV_RO_OFF 0x2000   /* rodata: va 0x1000, 0x100 bytes, R */
#define DRV_RO_VA 0x1000ull
#define DRV_DATA_OFF 0x3000 /* data: va 0x2000, 0x100 file, 0x2000 memory */
#define DRV_DATA_VA 0x2000ull
#define DRV_DATA_END 0x4000ull
#define DRV_DYN 0x40        /* PT_DYNAMIC at data + 0x40, 8 entries */
#define DRV_SPAN (1ull << 32)
#define DT_NULL 0
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_RELACOUNT 0x6ffffff9
#define R_RELATIVE 8
#define PH_DYN 3

/* Dynamic entry @i, inside the data segment. */
static void set_dyn(struct img *m, int i, int64_t tag, uint64_t val)
{
	size_t off = DRV_DATA_OFF + DRV_DYN + (size_t)i * 16;

	put64(m, off, (uint64_t)tag);
	put64(m, off + 8, val);
}

/* Relocation @i of the RELA table at the start of rodata. */
static void set_rela(struct img *m, int i, uint64_t off, uint64_t info,
		     int64_t addend)
{
	size_t at = DRV_RO_OFF + (size_t)i * 24;

	put64(m, at, off);
	put64(m, at + 8, info);
	put64(m, at + 16, (uint64_t)addend);
}

static void driver_image(struct img *m)
{
	good_image(m);
	m->size = DRV_SIZE;
	put16(m, EH_TYPE, 3); /* ET_DYN */
	put64(m, EH_ENTRY, 0x10);
	put16(m, EH_PHNUM, 4);
	set_phdr(m, 0, 1, ELF_SEG_R | ELF_SEG_X, DRV_TEXT_OFF, 0, 0x100, 0x100);
	set_phdr(m, 1, 1, ELF_SEG_R, DRV_RO_OFF, DRV_RO_VA, 0x100, 0x100);
	set_phdr(m, 2, 1, ELF_SEG_R | ELF_SEG_W, DRV_DATA_OFF, DRV_DATA_VA,
		 0x100, DRV_DATA_END - DRV_DATA_VA);
	set_phdr(m, PH_DYN, 2, ELF_SEG_R | ELF_SEG_W, DRV_DATA_OFF + DRV_DYN,
		 DRV_DATA_VA + DRV_DYN, 8 * 16, 8 * 16);
	set_dyn(m, 0, DT_RELA, DRV_RO_VA);
	set_dyn(m, 1, DT_RELASZ, 2 * 24);
	set_dyn(m, 2, DT_RELAENT, 24);
	set_dyn(m, 3, DT_RELACOUNT, 2);
	set_dyn(m, 4, DT_NULL, 0);
	set_rela(m, 0, DRV_DATA_VA, R_RELATIVE, 0x10);       /* -> text */
	set_rela(m, 1, DRV_DATA_VA + 8, R_RELATIVE, 0x1000); /* -> rodata */
}

struct rec {
	int n;
	uint64_t off[4];
	uint64_t val[4];
};

static void record(void *ctx, uint64_t off, uint64_t val)
{
	struct rec *r = ctx;

	if (r->n < 4) {
		r->off[r->n] = off;
		r->val[r->n] = val;
	}
	r->n++;
}

/*
 * Check the first @size bytes of @m from an exactly sized heap copy and,
 * if @rec is given and the image is accepted, relocate it at @base.
 */
static int driver_n(const struct img *m, size_t size, uint64_t span,
		    struct elf_relocs *rel, uint64_t base, struct rec *rec)
{
	unsigned char *copy = malloc(size ? size : 1);
	struct elf_image out;
	int err;

	memcpy(copy, m->b, size);
	err = elf_parse_driver(copy, size, span, &out, rel);
	if (err == ELF_OK && rec)
		elf_relocate(copy, rel, base, record, rec);
	free(copy);
	return err;
}

static int driver(const struct img *m)
{
	struct elf_relocs rel;

	return driver_n(m, m->size, DRV_SPAN, &rel, 0, NULL);
}

/* One bad dynamic entry in place of DT_RELACOUNT. */
static int driver_with_dyn(int64_t tag, uint64_t val)
{
	struct img m;

	driver_image(&m);
	set_dyn(&m, 3, tag, val);
	return driver(&m);
}

/* One relocation in place of the second; a refused table is emptied. */
static int driver_with_rela(uint64_t off, uint64_t info, int64_t addend,
			    uint64_t span)
{
	struct img m;
	struct elf_relocs rel;
	int err;

	driver_image(&m);
	set_rela(&m, 1, off, info, addend);
	err = driver_n(&m, m.size, span, &rel, 0, NULL);
	CHECK_EQ(rel.count, err == ELF_OK ? 2 : 0);
	return err;
}

HTEST(elf_driver_accepts_good_image)
{
	const uint64_t base = 0xffffff8040000000ull;
	struct img m;
	struct elf_image out;
	struct elf_relocs rel;
	struct rec rec = { 0 };

	driver_image(&m);
	CHECK_EQ(elf_parse_driver(m.b, m.size, DRV_SPAN, &out, &rel), ELF_OK);
	CHECK_EQ(out.entry, 0x10);
	CHECK_EQ(out.segment_count, 3);
	CHECK_EQ(out.segments[2].flags, ELF_SEG_R | ELF_SEG_W);
	CHECK_EQ(rel.offset, DRV_RO_OFF);
	CHECK_EQ(rel.count, 2);
	CHECK_EQ(driver_n(&m, m.size, DRV_SPAN, &rel, base, &rec), ELF_OK);
	CHECK_EQ(rec.n, 2);
	CHECK_EQ(rec.off[0], DRV_DATA_VA);
	CHECK_EQ(rec.val[0], base + 0x10);
	CHECK_EQ(rec.off[1], DRV_DATA_VA + 8);
	CHECK_EQ(rec.val[1], base + 0x1000);
}

HTEST(elf_driver_skips_none_relocations)
{
	struct img m;
	struct elf_relocs rel;
	struct rec rec = { 0 };

	driver_image(&m);
	set_dyn(&m, 1, DT_RELASZ, 3 * 24);
	set_rela(&m, 2, UINT64_MAX, 0, -1); /* R_X86_64_NONE: nothing checked */
	CHECK_EQ(driver_n(&m, m.size, DRV_SPAN, &rel, 0x100000, &rec), ELF_OK);
	CHECK_EQ(rel.count, 3);
	CHECK_EQ(rec.n, 2);
}

HTEST(elf_driver_accepts_no_dynamic_and_no_rela)
{
	struct img m;
	struct elf_relocs rel = { 7, 7 };

	driver_image(&m);
	put16(&m, EH_PHNUM, 3); /* no PT_DYNAMIC: no relocations */
	CHECK_EQ(driver_n(&m, m.size, DRV_SPAN, &rel, 0, NULL), ELF_OK);
	CHECK_EQ(rel.count, 0);
	driver_image(&m);
	set_dyn(&m, 0, DT_NULL, 0); /* empty dynamic section */
	CHECK_EQ(driver_n(&m, m.size, DRV_SPAN, &rel, 0, NULL), ELF_OK);
	CHECK_EQ(rel.count, 0);
	CHECK_EQ(driver_with_dyn(30, 0x8), ELF_OK); /* DT_FLAGS DF_BIND_NOW */
	CHECK_EQ(driver_with_dyn(0x15, 0), ELF_OK); /* DT_DEBUG: ignored */
}

HTEST(elf_driver_rejects_every_truncation)
{
	struct img m;
	struct elf_relocs rel;
	size_t n;
	int bad = 0;

	driver_image(&m);
	for (n = 0; n < m.size; n++)
		bad += driver_n(&m, n, DRV_SPAN, &rel, 0, NULL) == ELF_OK;
	CHECK_EQ(bad, 0);
}

HTEST(elf_driver_rejects_exec_type)
{
	struct img m;

	driver_image(&m);
	put16(&m, EH_TYPE, 2); /* ET_EXEC */
	CHECK_EQ(driver(&m), ELF_E_TYPE);
	good_image(&m);
	CHECK_EQ(driver(&m), ELF_E_TYPE);
}

HTEST(elf_driver_rejects_dyn_given_to_elf_parse)
{
	struct img m;

	driver_image(&m);
	CHECK_EQ(parse(&m), ELF_E_TYPE);
}

HTEST(elf_driver_rejects_interp)
{
	struct img m;

	driver_image(&m);
	put32(&m, ph(PH_DYN, PH_TYPE), 3); /* PT_INTERP */
	CHECK_EQ(driver(&m), ELF_E_TYPE);
}

HTEST(elf_driver_rejects_needed)
{
	CHECK_EQ(driver_with_dyn(1, 1), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_textrel)
{
	CHECK_EQ(driver_with_dyn(22, 0), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_rel)
{
	CHECK_EQ(driver_with_dyn(17, DRV_RO_VA), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_jmprel_and_relr)
{
	CHECK_EQ(driver_with_dyn(23, DRV_RO_VA), ELF_E_DYNAMIC); /* DT_JMPREL */
	CHECK_EQ(driver_with_dyn(2, 24), ELF_E_DYNAMIC);         /* PLTRELSZ */
	CHECK_EQ(driver_with_dyn(36, DRV_RO_VA), ELF_E_DYNAMIC); /* DT_RELR */
}

HTEST(elf_driver_rejects_flags_textrel)
{
	CHECK_EQ(driver_with_dyn(30, 0x4), ELF_E_DYNAMIC);
	CHECK_EQ(driver_with_dyn(30, 0xc), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_relaent_not_24)
{
	struct img m;

	driver_image(&m);
	set_dyn(&m, 2, DT_RELAENT, 16);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	set_dyn(&m, 2, DT_RELAENT, 0);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_incomplete_rela)
{
	struct img m;

	driver_image(&m);
	set_dyn(&m, 2, DT_RELACOUNT, 2); /* no DT_RELAENT */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	set_dyn(&m, 1, DT_RELACOUNT, 2); /* no DT_RELASZ */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	set_dyn(&m, 0, DT_RELACOUNT, 2); /* DT_RELASZ without DT_RELA */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	set_dyn(&m, 1, DT_RELASZ, 2 * 24 + 8); /* not whole entries */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_rela_outside_file)
{
	struct img m;

	driver_image(&m);
	set_dyn(&m, 1, DT_RELASZ, 11 * 24); /* 264 > 256 file bytes */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	set_dyn(&m, 0, DT_RELA, DRV_RO_VA + 0x100 - 24); /* ends 24 past */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	set_dyn(&m, 1, DT_RELASZ, 0xaaaaaaaaaaaaaaa8ull); /* 24 * huge */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m); /* in the data segment's memory, not its file bytes */
	set_dyn(&m, 0, DT_RELA, DRV_DATA_VA + 0x100);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_rela_vaddr_outside_segments)
{
	struct img m;

	driver_image(&m);
	set_dyn(&m, 0, DT_RELA, DRV_DATA_END + 0x1000);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	set_dyn(&m, 0, DT_RELA, UINT64_MAX - 8); /* vaddr + size wraps */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_dynamic_not_terminated)
{
	struct img m;

	driver_image(&m);
	put64(&m, ph(PH_DYN, PH_FILESZ), 4 * 16); /* DT_NULL is entry 4 */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	put64(&m, ph(PH_DYN, PH_FILESZ), 5 * 16 - 1); /* half an entry */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	put64(&m, ph(PH_DYN, PH_FILESZ), 5 * 16);
	CHECK_EQ(driver(&m), ELF_OK);
	put64(&m, ph(PH_DYN, PH_FILESZ), 0);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_dynamic_outside_file)
{
	struct img m;

	driver_image(&m);
	put64(&m, ph(PH_DYN, PH_FILESZ), 0x100); /* past the data file bytes */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	put64(&m, ph(PH_DYN, PH_OFFSET), DRV_SIZE); /* offset != vaddr's */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	put64(&m, ph(PH_DYN, PH_VADDR), DRV_DATA_END); /* in no segment */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
	driver_image(&m);
	put64(&m, ph(PH_DYN, PH_FILESZ), UINT64_MAX - 0x3f); /* wraps */
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_two_dynamic_headers)
{
	struct img m;

	driver_image(&m);
	put16(&m, EH_PHNUM, 5);
	set_phdr(&m, 4, 2, ELF_SEG_R, DRV_DATA_OFF + DRV_DYN,
		 DRV_DATA_VA + DRV_DYN, 8 * 16, 8 * 16);
	CHECK_EQ(driver(&m), ELF_E_DYNAMIC);
}

HTEST(elf_driver_rejects_reloc_type_64)
{
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, 1, 0, DRV_SPAN),
		 ELF_E_RELOC_TYPE); /* R_X86_64_64 */
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, 0x100000008ull, 0, DRV_SPAN),
		 ELF_OK); /* RELATIVE: symbol bits ignored */
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, 0x100000000ull | 37, 0,
				  DRV_SPAN),
		 ELF_E_RELOC_TYPE); /* R_X86_64_IRELATIVE */
}

HTEST(elf_driver_rejects_target_in_read_only_segment)
{
	CHECK_EQ(driver_with_rela(DRV_RO_VA + 0x80, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(0x20, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE); /* text */
	CHECK_EQ(driver_with_rela(0x1800, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE); /* gap between rodata and data */
}

HTEST(elf_driver_rejects_target_straddling_segment_end)
{
	CHECK_EQ(driver_with_rela(DRV_DATA_END - 8, R_RELATIVE, 0, DRV_SPAN),
		 ELF_OK); /* last 8 bytes of bss */
	CHECK_EQ(driver_with_rela(DRV_DATA_END - 4, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(DRV_DATA_END, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(DRV_DATA_VA - 4, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(UINT64_MAX - 3, R_RELATIVE, 0, DRV_SPAN),
		 ELF_E_RELOC_RANGE);
}

HTEST(elf_driver_rejects_addend_over_max_span)
{
	const uint64_t span = 0x10000;

	CHECK_EQ(driver_with_rela(DRV_DATA_VA, R_RELATIVE, span, span), ELF_OK);
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, R_RELATIVE, span + 1, span),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, R_RELATIVE, -1, span),
		 ELF_E_RELOC_RANGE);
	CHECK_EQ(driver_with_rela(DRV_DATA_VA, R_RELATIVE, INT64_MIN, span),
		 ELF_E_RELOC_RANGE);
}

HTEST(elf_driver_rejects_image_beyond_max_span)
{
	struct img m;
	struct elf_relocs rel;

	driver_image(&m);
	CHECK_EQ(driver_n(&m, m.size, DRV_DATA_END, &rel, 0, NULL), ELF_OK);
	CHECK_EQ(driver_n(&m, m.size, DRV_DATA_END - 1, &rel, 0, NULL),
		 ELF_E_SEG_RANGE);
	CHECK_EQ(driver_n(&m, m.size, 0, &rel, 0, NULL), ELF_E_SEG_RANGE);
}

/* The image our own toolchain builds (drivers/lib/driver.ld). */
static void check_target(void *ctx, uint64_t off, uint64_t val)
{
	const struct elf_image *img = ctx;
	size_t i;
	int hits = 0;

	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		hits += (s->flags & ELF_SEG_W) && off >= s->vaddr &&
			off + 8 <= s->vaddr + s->memsz;
	}
	CHECK_EQ(hits, 1);
	CHECK(val >= 0x40000000ull && val <= 0x40000000ull + (1ull << 32));
}

HTEST(elf_driver_accepts_built_driver)
{
	static unsigned char buf[1 << 20];
	FILE *f = fopen(DRIVER_ELF_PATH, "rb");
	struct elf_image img;
	struct elf_relocs rel;
	struct elf_limits lim = { 0, 1ull << 32 };
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK(n < sizeof(buf));
	CHECK_EQ(elf_parse_driver(buf, n, 1ull << 32, &img, &rel), ELF_OK);
	CHECK(img.segment_count >= 2);
	CHECK(rel.count >= 1);
	elf_relocate(buf, &rel, 0x40000000ull, check_target, &img);
	CHECK_EQ(elf_parse(buf, n, &lim, &img), ELF_E_TYPE);
}
