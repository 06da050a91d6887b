/*
 * test_bad_images.c - malformed driver images are refused by the loader
 * with -E_NOEXEC, for the reason the case names (the loader's enum
 * elf_error, so a weakened check cannot hide behind another one), and
 * nothing they touched stays allocated (the runner's frame and heap
 * counters, plus the driver count here).  Each case corrupts a copy of
 * the real hostile driver in one way.
 */
#include "bootinfo.h"
#include "driver.h"
#include "elf.h"
#include "errno.h"
#include "heap.h"
#include "kernel.h"
#include "kstring.h"
#include "ktest.h"

#define EH_CLASS 4
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHNUM 56
#define PH_SIZE 56
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_FILESZ 32
#define PH_MEMSZ 40
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define DT_RELA 7

static u64 get(const u8 *p, size_t off, size_t n)
{
	u64 v = 0;
	memcpy(&v, p + off, n);
	return v;
}

static void put(u8 *p, size_t off, size_t n, u64 v) { memcpy(p + off, &v, n); }

static size_t phdr(const u8 *img, unsigned i)
{
	return get(img, EH_PHOFF, 8) + (size_t)i * PH_SIZE;
}

/* File offset of the first Elf64_Rela (via PT_DYNAMIC's DT_RELA). */
static size_t first_rela(const u8 *img)
{
	unsigned n = (unsigned)get(img, EH_PHNUM, 2);
	u64 dyn = 0, rela = 0;
	for (unsigned i = 0; i < n; i++)
		if (get(img, phdr(img, i), 4) == PT_DYNAMIC)
			dyn = get(img, phdr(img, i) + PH_OFFSET, 8);
	for (u64 d = dyn; dyn && get(img, d, 8) != 0; d += 16)
		if (get(img, d, 8) == DT_RELA)
			rela = get(img, d + 8, 8);
	for (unsigned i = 0; i < n; i++) {
		size_t ph = phdr(img, i);
		u64 va = get(img, ph + PH_VADDR, 8), sz = get(img, ph + PH_FILESZ, 8);
		if (get(img, ph, 4) == PT_LOAD && rela >= va && rela < va + sz)
			return get(img, ph + PH_OFFSET, 8) + (rela - va);
	}
	return 0;
}

static size_t last_load(const u8 *img)
{
	size_t last = 0;
	for (unsigned i = 0; i < get(img, EH_PHNUM, 2); i++)
		if (get(img, phdr(img, i), 4) == PT_LOAD)
			last = phdr(img, i);
	BUG_ON(!last);
	return last;
}

typedef size_t (*corrupt_fn)(u8 *img, size_t size);

static size_t bad_magic(u8 *img, size_t size) { img[1] = 'X'; return size; }
static size_t bad_class(u8 *img, size_t size) { img[EH_CLASS] = 1; return size; }
static size_t bad_machine(u8 *img, size_t size) { put(img, EH_MACHINE, 2, 3); return size; }
static size_t bad_type(u8 *img, size_t size) { put(img, EH_TYPE, 2, 2); return size; }
static size_t truncated(u8 *img, size_t size) { (void)img; (void)size; return 40; }
static size_t truncated_in_phdrs(u8 *img, size_t size) { (void)img; (void)size; return 100; }
static size_t phdrs_outside(u8 *img, size_t size) { put(img, EH_PHOFF, 8, size); return size; }

static size_t segment_outside(u8 *img, size_t size)
{
	put(img, phdr(img, 0) + PH_FILESZ, 8, size * 4);
	put(img, phdr(img, 0) + PH_MEMSZ, 8, size * 4);
	return size;
}

/* The last PT_LOAD's file bytes start past the end of the file (vaddr and
 * offset still congruent mod 4 KiB): nothing else is wrong. */
static size_t offset_past_end(u8 *img, size_t size)
{
	size_t ph = last_load(img);
	u64 va = get(img, ph + PH_VADDR, 8);
	put(img, ph + PH_OFFSET, 8, ALIGN_UP(size, 4096) + (va & 4095));
	return size;
}

/* The last PT_LOAD's file bytes run one byte past the end of the file. */
static size_t filesz_past_end(u8 *img, size_t size)
{
	size_t ph = last_load(img);
	u64 filesz = size - get(img, ph + PH_OFFSET, 8) + 1;
	put(img, ph + PH_FILESZ, 8, filesz);
	if (get(img, ph + PH_MEMSZ, 8) < filesz)
		put(img, ph + PH_MEMSZ, 8, filesz);
	return size;
}

static size_t writable_text(u8 *img, size_t size)
{
	put(img, phdr(img, 0) + PH_FLAGS, 4, 7); /* R W X */
	return size;
}

static size_t entry_outside(u8 *img, size_t size)
{
	put(img, EH_ENTRY, 8, 0x7fff0000);
	return size;
}

static size_t reloc_type(u8 *img, size_t size)
{
	size_t r = first_rela(img);
	BUG_ON(!r);
	put(img, r + 8, 8, 1); /* R_X86_64_64: needs a symbol, refused */
	return size;
}

static size_t reloc_target(u8 *img, size_t size)
{
	size_t r = first_rela(img);
	BUG_ON(!r);
	put(img, r, 8, 0x10); /* into the read-only text */
	return size;
}

static void expect_refused(corrupt_fn corrupt, int why)
{
	const void *image;
	size_t size;
	struct driver *d = NULL;
	unsigned drivers = driver_count();

	KT_EXPECT(module_find("hostile", &image, &size)); /* has relocations */
	u8 *copy = kmalloc(size);
	memcpy(copy, image, size);
	size_t n = corrupt(copy, size);
	int image_error = 0;
	const struct driver_options opt = {
		.policy = DRIVER_REFUSE, .gate_base = 200, .image_error = &image_error};
	KT_EXPECT_EQ(driver_load("bad", copy, n, &opt, &d), -E_NOEXEC);
	KT_EXPECT_EQ(image_error, why);
	KT_EXPECT(d == NULL);
	KT_EXPECT_EQ(driver_count(), drivers);
	kfree(copy);
}

KTEST(bad_image_magic) { expect_refused(bad_magic, ELF_E_MAGIC); }
KTEST(bad_image_class) { expect_refused(bad_class, ELF_E_CLASS); }
KTEST(bad_image_machine) { expect_refused(bad_machine, ELF_E_MACHINE); }
KTEST(bad_image_type_exec) { expect_refused(bad_type, ELF_E_TYPE); }
KTEST(bad_image_truncated) { expect_refused(truncated, ELF_E_TRUNCATED); }
KTEST(bad_image_truncated_in_phdrs) { expect_refused(truncated_in_phdrs, ELF_E_PHDR); }
KTEST(bad_image_phdrs_outside_file) { expect_refused(phdrs_outside, ELF_E_PHDR); }
KTEST(bad_image_segment_outside_file) { expect_refused(segment_outside, ELF_E_SEG_FILE); }
KTEST(bad_image_offset_past_end) { expect_refused(offset_past_end, ELF_E_SEG_FILE); }
KTEST(bad_image_filesz_past_end) { expect_refused(filesz_past_end, ELF_E_SEG_FILE); }
KTEST(bad_image_writable_text) { expect_refused(writable_text, ELF_E_SEG_WX); }
KTEST(bad_image_entry_outside) { expect_refused(entry_outside, ELF_E_ENTRY); }
KTEST(bad_image_reloc_type) { expect_refused(reloc_type, ELF_E_RELOC_TYPE); }
KTEST(bad_image_reloc_target_read_only) { expect_refused(reloc_target, ELF_E_RELOC_RANGE); }

KTEST(bad_image_app_as_driver)
{
	const void *image;
	size_t size;
	struct driver *d = NULL;
	KT_EXPECT(module_find("hello", &image, &size)); /* ET_EXEC */
	KT_EXPECT_EQ(driver_load("bad", image, size, &(struct driver_options){.policy = DRIVER_REFUSE, .gate_base = 200}, &d), -E_NOEXEC);
}
