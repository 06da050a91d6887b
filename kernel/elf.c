/*
 * elf.c - ELF64 image validation.
 *
 * The image is checked in the order of enum elf_error: the ELF header,
 * the program header table, then the PT_LOAD segments one property at a
 * time (sizes, file bounds, alignment, address window, overlap, W^X) and
 * finally the entry point.  Headers are copied out with memcpy, so the
 * image may sit at any alignment, and every sum of two file values is
 * guarded by a subtraction so nothing wraps.
 *
 * Only static ET_EXEC images are accepted: a PT_INTERP or PT_DYNAMIC
 * header is rejected with ELF_E_TYPE; other non-PT_LOAD headers
 * (PT_NOTE, PT_GNU_STACK, ...) are ignored.
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
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_MASK 7 /* PF_X, PF_W, PF_R: the same bits as ELF_SEG_* */

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

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 phdr size");

static const u8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static int check_ehdr(const struct elf64_ehdr *eh)
{
	if (memcmp(eh->e_ident, elf_magic, sizeof(elf_magic)) != 0)
		return ELF_E_MAGIC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return ELF_E_CLASS;
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ELF_E_DATA;
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return ELF_E_VERSION;
	if (eh->e_type != ET_EXEC)
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

/* First pass: reject dynamic images, count and copy out PT_LOAD headers. */
static int collect_segments(const u8 *data, const struct elf64_ehdr *eh,
			    struct elf_image *out)
{
	struct elf64_phdr ph;
	size_t i, n = 0;

	for (i = 0; i < eh->e_phnum; i++) {
		read_phdr(data, eh, i, &ph);
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return ELF_E_TYPE;
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

int elf_parse(const void *data, size_t size, const struct elf_limits *lim,
	      struct elf_image *out)
{
	struct elf64_ehdr eh;
	size_t i;
	int err;

	if (!data || size < sizeof(eh))
		return ELF_E_TRUNCATED;
	memcpy(&eh, data, sizeof(eh));
	err = check_ehdr(&eh);
	if (!err)
		err = check_phdr_table(&eh, size);
	if (err)
		return err;

	memset(out, 0, sizeof(*out));
	out->entry = eh.e_entry;
	err = collect_segments(data, &eh, out);
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

const char *elf_error_name(int err)
{
	static const char *const names[] = {
		"ELF_OK",		"ELF_E_TRUNCATED",   "ELF_E_MAGIC",
		"ELF_E_CLASS",		"ELF_E_DATA",	     "ELF_E_VERSION",
		"ELF_E_TYPE",		"ELF_E_MACHINE",     "ELF_E_PHDR",
		"ELF_E_NO_SEGMENTS",	"ELF_E_TOO_MANY",    "ELF_E_SEG_SIZE",
		"ELF_E_SEG_FILE",	"ELF_E_SEG_ALIGN",   "ELF_E_SEG_RANGE",
		"ELF_E_SEG_OVERLAP",	"ELF_E_SEG_WX",	     "ELF_E_ENTRY",
	};

	if (err > 0 || err < -(int)(ARRAY_SIZE(names) - 1))
		return "ELF_E_UNKNOWN";
	return names[-err];
}
