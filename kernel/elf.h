/*
 * elf.h - ELF64 image validation (pure C, host-tested, fuzzable).
 *
 * elf_parse() checks an executable image completely before the loader
 * maps a byte of it, and describes its loadable segments.  It reads only
 * inside [data, data + size) and never trusts an offset, a count or a
 * size from the file.
 *
 * Checks, each with its own error: magic, class (64-bit), data (little
 * endian), version, type (ET_EXEC), machine (x86-64), program header
 * table bounds and entry size, segment count, for every PT_LOAD segment:
 * filesz <= memsz, file bytes inside the file, no address overflow,
 * vaddr and offset congruent modulo the page size, inside the caller's
 * allowed window [lim.lo, lim.hi), not overlapping another segment at
 * page granularity, not writable and executable at once; and the entry
 * point inside an executable segment.  @lim and @out must not be NULL.
 */
#ifndef SLOTGATE_ELF_H
#define SLOTGATE_ELF_H

#include "types.h"

#define ELF_MAX_SEGMENTS 8

enum elf_segment_flags {
	ELF_SEG_X = 1,
	ELF_SEG_W = 2,
	ELF_SEG_R = 4,
};

struct elf_segment {
	u64 vaddr;  /* virtual address of the first byte */
	u64 memsz;  /* bytes in memory (>= filesz; the rest is zero) */
	u64 offset; /* file offset of the first byte */
	u64 filesz; /* bytes taken from the file */
	u32 flags;  /* enum elf_segment_flags */
};

struct elf_image {
	u64 entry;
	size_t segment_count;
	struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* The virtual window the image must fit in: lo <= vaddr, end <= hi. */
struct elf_limits {
	u64 lo;
	u64 hi;
};

enum elf_error {
	ELF_OK = 0,
	ELF_E_TRUNCATED = -1,   /* smaller than the ELF header */
	ELF_E_MAGIC = -2,
	ELF_E_CLASS = -3,       /* not ELFCLASS64 */
	ELF_E_DATA = -4,        /* not little endian */
	ELF_E_VERSION = -5,
	ELF_E_TYPE = -6,        /* not ET_EXEC (ET_DYN for drivers) */
	ELF_E_MACHINE = -7,     /* not EM_X86_64 */
	ELF_E_PHDR = -8,        /* program header table out of bounds / bad entry size */
	ELF_E_NO_SEGMENTS = -9, /* no PT_LOAD segment */
	ELF_E_TOO_MANY = -10,   /* more than ELF_MAX_SEGMENTS PT_LOAD segments */
	ELF_E_SEG_SIZE = -11,   /* filesz > memsz, or memsz == 0 */
	ELF_E_SEG_FILE = -12,   /* file bytes outside the file */
	ELF_E_SEG_ALIGN = -13,  /* vaddr and offset not congruent mod 4 KiB */
	ELF_E_SEG_RANGE = -14,  /* outside [lo, hi) or address overflow */
	ELF_E_SEG_OVERLAP = -15,/* two segments share a page */
	ELF_E_SEG_WX = -16,     /* writable and executable */
	ELF_E_ENTRY = -17,      /* entry not inside an executable segment */
	ELF_E_DYNAMIC = -18,    /* dynamic section malformed or asks for what we lack */
	ELF_E_RELOC_TYPE = -19, /* a relocation other than RELATIVE/NONE */
	ELF_E_RELOC_RANGE = -20,/* a relocation target or addend outside the image */
};

int elf_parse(const void *data, size_t size, const struct elf_limits *lim,
	      struct elf_image *out);

/*
 * Drivers are position-independent (ET_DYN) images linked at address 0
 * and relocated into their slot.  elf_parse_driver() makes every check of
 * elf_parse() with the window [0, max_span), except that the type must be
 * ET_DYN, and also validates the dynamic section: PT_DYNAMIC inside a
 * loadable segment and the file; no DT_NEEDED, DT_TEXTREL, DT_REL,
 * DT_JMPREL or other relocation table than DT_RELA; DT_RELAENT == 24;
 * the RELA table inside the file; every entry of type R_X86_64_RELATIVE
 * (or R_X86_64_NONE), its 8 target bytes inside a writable segment's
 * [vaddr, vaddr + memsz), its addend inside [0, max_span].
 * An ET_DYN image without PT_DYNAMIC has no relocations (count 0).
 */
struct elf_relocs {
	u64 offset; /* file offset of the first Elf64_Rela */
	u64 count;  /* number of entries */
};

int elf_parse_driver(const void *data, size_t size, u64 max_span,
		     struct elf_image *out, struct elf_relocs *rel);

/*
 * Apply the relocations of an image checked by elf_parse_driver(), loaded
 * at @base: for each R_X86_64_RELATIVE entry, write64(ctx, r_offset,
 * base + addend).  The callback gets the image-relative offset so the
 * caller decides how to reach the loaded bytes.  The entries are read
 * from @data while relocating, so write64 must not modify @data (do not
 * relocate the checked file buffer in place).
 */
void elf_relocate(const void *data, const struct elf_relocs *rel, u64 base,
		  void (*write64)(void *ctx, u64 offset, u64 value), void *ctx);

/* Name of an enum elf_error value, for logs ("ELF_E_MAGIC"). */
const char *elf_error_name(int err);

#endif
