/*
 * elf.c - ELF64 image validation and driver relocation.
 *
 * The image is checked in the order of enum elf_error: the ELF header,
 * the program header table, then the PT_LOAD segments one property at a
 * time (sizes, file bounds, alignment, address window, overlap, W^X) and
 * finally the entry point.  Headers are copied out with memcpy, so the
 * image may sit at any alignment, and every sum of two file values is
 * guarded by a subtraction so nothing wraps.
 *
 * elf_parse() and elf_parse_driver() share these checks (parse_image()
 * takes the expected e_type).  Executables must be static: PT_INTERP or
 * PT_DYNAMIC is rejected with ELF_E_TYPE.  A driver may have one
 * PT_DYNAMIC, read from the file bytes of the PT_LOAD segment holding it;
 * its only relocations may be a DT_RELA table of RELATIVE/NONE entries.
 * Other headers (PT_NOTE, PT_GNU_STACK, ...) are ignored.
 */
#include "types.h"
#include "elf.h"
#include "kstring.h"

#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_MASK 7 /* PF_X, PF_W, PF_R: the same bits as ELF_SEG_* */

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTRELSZ 2
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_TEXTREL 22
#define DT_JMPREL 23
#define DT_FLAGS 30
#define DT_RELR 36
#define DF_TEXTREL 0x4
#define R_X86_64_NONE 0
#define R_X86_64_RELATIVE 8

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};

struct elf64_dyn {
	i64 d_tag;
	u64 d_val;
};

struct elf64_rela {
	u64 r_offset;
	u64 r_info; /* symbol << 32 | type */
	i64 r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 phdr size");
_Static_assert(sizeof(struct elf64_dyn) == 16, "ELF64 dyn size");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 rela size");

static const u8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static int check_ehdr(const struct elf64_ehdr *eh, u16 type)
{
	if (memcmp(eh->e_ident, elf_magic, sizeof(elf_magic)) != 0)
		return ELF_E_MAGIC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return ELF_E_CLASS;
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ELF_E_DATA;
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return ELF_E_VERSION;
	if (eh->e_type != type)
		return ELF_E_TYPE;
	if (eh->e_machine != EM_X86_64)
		return ELF_E_MACHINE;
	return ELF_OK;
}

/* The table must fit in the file; phnum <= 0xffff, so the product fits. */
static int check_phdr_table(const struct elf64_ehdr *eh, size_t size)
{
	u64 table = (u64)eh->e_phnum * sizeof(struct elf64_phdr);

	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return ELF_E_PHDR;
	if (eh->e_phoff > size || table > size - eh->e_phoff)
		return ELF_E_PHDR;
	return ELF_OK;
}

static void read_phdr(const u8 *data, const struct elf64_ehdr *eh, size_t i,
		      struct elf64_phdr *ph)
{
	memcpy(ph, data + eh->e_phoff + i * sizeof(*ph), sizeof(*ph));
}

/*
 * First pass: count and copy out PT_LOAD headers.  PT_INTERP is always
 * refused; PT_DYNAMIC is refused unless @dyn is given, where the single
 * PT_DYNAMIC header is copied (dyn->p_type stays PT_NULL without one).
 */
static int collect_segments(const u8 *data, const struct elf64_ehdr *eh,
			    struct elf_image *out, struct elf64_phdr *dyn)
{
	struct elf64_phdr ph;
	size_t i, n = 0;

	for (i = 0; i < eh->e_phnum; i++) {
		read_phdr(data, eh, i, &ph);
		if (ph.p_type == PT_INTERP || (ph.p_type == PT_DYNAMIC && !dyn))
			return ELF_E_TYPE;
		if (ph.p_type == PT_DYNAMIC) {
			if (dyn->p_type == PT_DYNAMIC)
				return ELF_E_DYNAMIC;
			*dyn = ph;
			continue;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (n < ELF_MAX_SEGMENTS) {
			out->segments[n].vaddr = ph.p_vaddr;
			out->segments[n].memsz = ph.p_memsz;
			out->segments[n].offset = ph.p_offset;
			out->segments[n].filesz = ph.p_filesz;
			out->segments[n].flags = ph.p_flags & PF_MASK;
		}
		n++;
	}
	if (n == 0)
		return ELF_E_NO_SEGMENTS;
	if (n > ELF_MAX_SEGMENTS)
		return ELF_E_TOO_MANY;
	out->segment_count = n;
	return ELF_OK;
}

/* Size, file bounds, congruence and address window of one segment. */
static int check_segment(const struct elf_segment *s, size_t size,
			 const struct elf_limits *lim)
{
	if (s->memsz == 0 || s->filesz > s->memsz)
		return ELF_E_SEG_SIZE;
	if (s->offset > size || s->filesz > size - s->offset)
		return ELF_E_SEG_FILE;
	if ((s->vaddr & (PAGE_SIZE - 1)) != (s->offset & (PAGE_SIZE - 1)))
		return ELF_E_SEG_ALIGN;
	if (s->memsz > UINT64_MAX - s->vaddr)
		return ELF_E_SEG_RANGE;
	if (s->vaddr < lim->lo || s->vaddr + s->memsz > lim->hi)
		return ELF_E_SEG_RANGE;
	return ELF_OK;
}

/* Page-granular overlap; memsz > 0 and no wrap were checked before. */
static bool segments_overlap(const struct elf_segment *a,
			     const struct elf_segment *b)
{
	u64 a_first = a->vaddr >> PAGE_SHIFT;
	u64 a_last = (a->vaddr + a->memsz - 1) >> PAGE_SHIFT;
	u64 b_first = b->vaddr >> PAGE_SHIFT;
	u64 b_last = (b->vaddr + b->memsz - 1) >> PAGE_SHIFT;

	return a_first <= b_last && b_first <= a_last;
}

static int check_layout(const struct elf_image *img)
{
	size_t i, j;

	for (i = 0; i < img->segment_count; i++)
		for (j = i + 1; j < img->segment_count; j++)
			if (segments_overlap(&img->segments[i],
					     &img->segments[j]))
				return ELF_E_SEG_OVERLAP;
	for (i = 0; i < img->segment_count; i++) {
		u32 f = img->segments[i].flags;

		if ((f & ELF_SEG_W) && (f & ELF_SEG_X))
			return ELF_E_SEG_WX;
	}
	return ELF_OK;
}

static int check_entry(const struct elf_image *img)
{
	size_t i;

	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return ELF_OK;
	}
	return ELF_E_ENTRY;
}

/* Checks shared by executables and drivers; @dyn as in collect_segments(). */
static int parse_image(const void *data, size_t size, u16 type,
		       const struct elf_limits *lim, struct elf_image *out,
		       struct elf64_phdr *dyn)
{
	struct elf64_ehdr eh;
	size_t i;
	int err;

	if (!data || size < sizeof(eh))
		return ELF_E_TRUNCATED;
	memcpy(&eh, data, sizeof(eh));
	err = check_ehdr(&eh, type);
	if (!err)
		err = check_phdr_table(&eh, size);
	if (err)
		return err;

	memset(out, 0, sizeof(*out));
	out->entry = eh.e_entry;
	err = collect_segments(data, &eh, out, dyn);
	if (err)
		return err;
	for (i = 0; i < out->segment_count; i++) {
		err = check_segment(&out->segments[i], size, lim);
		if (err)
			return err;
	}
	err = check_layout(out);
	if (err)
		return err;
	return check_entry(out);
}

int elf_parse(const void *data, size_t size, const struct elf_limits *lim,
	      struct elf_image *out)
{
	return parse_image(data, size, ET_EXEC, lim, out, NULL);
}

/*
 * File offset of [vaddr, vaddr + len), which must lie in the file bytes
 * of one checked segment (so it is inside the file too).
 */
static bool file_offset(const struct elf_image *img, u64 vaddr, u64 len,
			u64 *off)
{
	size_t i;

	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];
		u64 delta = vaddr - s->vaddr;

		if (vaddr < s->vaddr || delta > s->filesz ||
		    len > s->filesz - delta)
			continue;
		*off = s->offset + delta;
		return true;
	}
	return false;
}

enum { SEEN_RELA = 1, SEEN_RELASZ = 2, SEEN_RELAENT = 4 };

struct dyn_info {
	u64 rela;    /* DT_RELA: image-relative address */
	u64 relasz;  /* DT_RELASZ: bytes */
	u64 relaent; /* DT_RELAENT: bytes per entry */
	u32 seen;    /* SEEN_* bits */
};

/* Record one dynamic entry; refuse anything asking for more than RELA. */
static int note_dyn(struct dyn_info *d, i64 tag, u64 val)
{
	switch (tag) {
	case DT_NEEDED:
	case DT_PLTRELSZ:
	case DT_REL:
	case DT_TEXTREL:
	case DT_JMPREL:
	case DT_RELR:
		return ELF_E_DYNAMIC;
	case DT_FLAGS:
		return (val & DF_TEXTREL) ? ELF_E_DYNAMIC : ELF_OK;
	case DT_RELA:
		d->rela = val;
		d->seen |= SEEN_RELA;
		break;
	case DT_RELASZ:
		d->relasz = val;
		d->seen |= SEEN_RELASZ;
		break;
	case DT_RELAENT:
		d->relaent = val;
		d->seen |= SEEN_RELAENT;
		break;
	}
	return ELF_OK;
}

/* Walk PT_DYNAMIC (in a segment's file bytes) up to its DT_NULL. */
static int read_dynamic(const u8 *data, const struct elf_image *img,
			const struct elf64_phdr *ph, struct dyn_info *d)
{
	struct elf64_dyn dyn;
	u64 off, i;
	int err;

	if (!file_offset(img, ph->p_vaddr, ph->p_filesz, &off) ||
	    off != ph->p_offset)
		return ELF_E_DYNAMIC;
	for (i = 0; i < ph->p_filesz / sizeof(dyn); i++) {
		memcpy(&dyn, data + off + i * sizeof(dyn), sizeof(dyn));
		if (dyn.d_tag == DT_NULL)
			return ELF_OK;
		err = note_dyn(d, dyn.d_tag, dyn.d_val);
		if (err)
			return err;
	}
	return ELF_E_DYNAMIC; /* not terminated */
}

/* Locate the RELA table from the dynamic entries. */
static int find_rela(const struct elf_image *img, const struct dyn_info *d,
		     struct elf_relocs *rel)
{
	const u32 all = SEEN_RELA | SEEN_RELASZ | SEEN_RELAENT;

	if ((d->seen & SEEN_RELAENT) && d->relaent != sizeof(struct elf64_rela))
		return ELF_E_DYNAMIC;
	if (!(d->seen & SEEN_RELA))
		return (d->seen & SEEN_RELASZ) && d->relasz ? ELF_E_DYNAMIC
							    : ELF_OK;
	if ((d->seen & all) != all ||
	    d->relasz % sizeof(struct elf64_rela) != 0)
		return ELF_E_DYNAMIC;
	if (!file_offset(img, d->rela, d->relasz, &rel->offset))
		return ELF_E_DYNAMIC;
	rel->count = d->relasz / sizeof(struct elf64_rela);
	return ELF_OK;
}

static void read_rela(const u8 *data, const struct elf_relocs *rel, u64 i,
		      struct elf64_rela *r)
{
	memcpy(r, data + rel->offset + i * sizeof(*r), sizeof(*r));
}

/* The 8 bytes at @off lie inside one writable segment's memory. */
static bool writable_target(const struct elf_image *img, u64 off)
{
	size_t i;

	for (i = 0; i < img->segment_count; i++) {
		const struct elf_segment *s = &img->segments[i];

		if ((s->flags & ELF_SEG_W) && s->memsz >= 8 &&
		    off >= s->vaddr && off - s->vaddr <= s->memsz - 8)
			return true;
	}
	return false;
}

static int check_rela(const struct elf64_rela *r, const struct elf_image *img,
		      u64 max_span)
{
	u32 type = (u32)r->r_info;

	if (type == R_X86_64_NONE)
		return ELF_OK;
	if (type != R_X86_64_RELATIVE)
		return ELF_E_RELOC_TYPE;
	if (r->r_addend < 0 || (u64)r->r_addend > max_span ||
	    !writable_target(img, r->r_offset))
		return ELF_E_RELOC_RANGE;
	return ELF_OK;
}

int elf_parse_driver(const void *data, size_t size, u64 max_span,
		     struct elf_image *out, struct elf_relocs *rel)
{
	const struct elf_limits lim = { 0, max_span };
	struct elf64_phdr dyn = { 0 };
	struct dyn_info d = { 0 };
	struct elf64_rela r;
	u64 i;
	int err;

	memset(rel, 0, sizeof(*rel));
	err = parse_image(data, size, ET_DYN, &lim, out, &dyn);
	if (err || dyn.p_type != PT_DYNAMIC)
		return err;
	err = read_dynamic(data, out, &dyn, &d);
	if (!err)
		err = find_rela(out, &d, rel);
	for (i = 0; !err && i < rel->count; i++) {
		read_rela(data, rel, i, &r);
		err = check_rela(&r, out, max_span);
	}
	if (err)
		memset(rel, 0, sizeof(*rel));
	return err;
}

void elf_relocate(const void *data, const struct elf_relocs *rel, u64 base,
		  void (*write64)(void *ctx, u64 offset, u64 value), void *ctx)
{
	struct elf64_rela r;
	u64 i;

	for (i = 0; i < rel->count; i++) {
		read_rela(data, rel, i, &r);
		if ((u32)r.r_info == R_X86_64_RELATIVE)
			write64(ctx, r.r_offset, base + (u64)r.r_addend);
	}
}

const char *elf_error_name(int err)
{
	static const char *const names[] = {
		"ELF_OK",		"ELF_E_TRUNCATED",   "ELF_E_MAGIC",
		"ELF_E_CLASS",		"ELF_E_DATA",	     "ELF_E_VERSION",
		"ELF_E_TYPE",		"ELF_E_MACHINE",     "ELF_E_PHDR",
		"ELF_E_NO_SEGMENTS",	"ELF_E_TOO_MANY",    "ELF_E_SEG_SIZE",
		"ELF_E_SEG_FILE",	"ELF_E_SEG_ALIGN",   "ELF_E_SEG_RANGE",
		"ELF_E_SEG_OVERLAP",	"ELF_E_SEG_WX",	     "ELF_E_ENTRY",
		"ELF_E_DYNAMIC",	"ELF_E_RELOC_TYPE", "ELF_E_RELOC_RANGE",
	};

	if (err > 0 || err < -(int)(ARRAY_SIZE(names) - 1))
		return "ELF_E_UNKNOWN";
	return names[-err];
}
