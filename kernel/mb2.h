/*
 * mb2.h - multiboot2 boot information parser (pure C, host-tested).
 *
 * mb2_parse() reads the information structure GRUB hands the kernel and
 * copies what the kernel needs into a fixed-size struct mb2_info.  It
 * trusts nothing: the total size, every tag's size and every string is
 * checked against the bounds of the structure, and a malformed structure
 * gives a distinct error instead of a read past its end.
 *
 * Invariants of a successful parse:
 *   - every string pointer points inside the info structure and is
 *     NUL-terminated within its tag;
 *   - every module has start <= end;
 *   - mmap[] holds at most MB2_MAX_MMAP entries (extra ones are counted
 *     in mmap_dropped, never silently lost).
 */
#ifndef SLOTGATE_MB2_H
#define SLOTGATE_MB2_H

#include "types.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_MAX_MMAP 256 /* UEFI firmware gives 100 and more */
#define MB2_MAX_MODULES 32

enum mb2_mem_type {
	MB2_MEM_AVAILABLE = 1,
	MB2_MEM_RESERVED = 2,
	MB2_MEM_ACPI_RECLAIMABLE = 3,
	MB2_MEM_NVS = 4,
	MB2_MEM_BADRAM = 5,
};

struct mb2_mmap_entry {
	u64 base;
	u64 length;
	u32 type; /* enum mb2_mem_type */
};

struct mb2_module {
	u64 start; /* physical, inclusive */
	u64 end;   /* physical, exclusive */
	const char *cmdline;
};

#define MB2_RSDP_MAX 36

/* The framebuffer tag's types (multiboot2 spec §3.6.12). */
enum mb2_fb_type {
	MB2_FB_INDEXED = 0,  /* a palette; no console is drawn on it */
	MB2_FB_RGB = 1,      /* direct colour, the fields below */
	MB2_FB_EGA_TEXT = 2, /* text mode: width x height cells of 2 bytes */
};

/* The video mode GRUB left (tag 8), as GRUB lays the tag out (its
 * multiboot2.h: a u16 after the type, so the colour fields start at
 * byte 32; the spec's prose says a u8).  Checked by the parser: width,
 * height and pitch are not 0, pitch holds a row (width * bytes per pixel,
 * or per cell), and addr + pitch * height does not wrap; for RGB, bpp is
 * 15, 16, 24 or 32 and every colour field lies inside bpp. */
struct mb2_framebuffer {
	u64 addr;   /* physical */
	u32 pitch;  /* bytes from one pixel row (text: cell row) to the next */
	u32 width;  /* pixels, or cells for EGA text */
	u32 height; /* likewise */
	u8 bpp;     /* bits per pixel (16 for EGA text) */
	u8 type;    /* enum mb2_fb_type */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mb2_info {
	u32 total_size;
	const char *cmdline;     /* "" when the tag is absent */
	const char *loader_name; /* "" when the tag is absent */
	size_t mmap_count;
	size_t mmap_dropped;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	size_t module_count;
	struct mb2_module modules[MB2_MAX_MODULES];
	/* The ACPI RSDP as GRUB copied it (tag 15 preferred over 14); rsdp_len
	 * 0 when neither tag is there.  36 bytes: an ACPI 2.0+ RSDP. */
	u8 rsdp[MB2_RSDP_MAX];
	u32 rsdp_len;
	u32 rsdp_tag;
	/* The framebuffer tag, when there was one (has_fb).  No tag means the
	 * loader says nothing about the screen: the kernel draws on none. */
	bool has_fb;
	struct mb2_framebuffer fb;
};

enum mb2_error {
	MB2_OK = 0,
	MB2_E_MAGIC = -1,     /* EAX did not hold the multiboot2 magic */
	MB2_E_ALIGN = -2,     /* info or a tag not 8-byte aligned */
	MB2_E_SIZE = -3,      /* total_size too small or beyond the bound */
	MB2_E_TAG = -4,       /* a tag's size is too small or runs past the end */
	MB2_E_STRING = -5,    /* a string is not NUL-terminated inside its tag */
	MB2_E_MMAP = -6,      /* memory map entry size malformed */
	MB2_E_MODULE = -7,    /* module end < start, or too many modules */
	MB2_E_NO_END = -8,    /* no end tag before total_size */
	MB2_E_NO_MMAP = -9,   /* no memory map tag at all */
	MB2_E_FRAMEBUFFER = -10, /* framebuffer tag short or inconsistent */
};

/*
 * Parse the info structure at @info.  @limit is the number of bytes the
 * caller can safely read there (an upper bound on total_size); @magic is
 * the value the loader left in EAX.  Returns MB2_OK or a negative
 * enum mb2_error; @out is fully written only on success.
 */
int mb2_parse(u32 magic, const void *info, size_t limit, struct mb2_info *out);

/* Name of an enum mb2_error value, for logs ("MB2_E_TAG"). */
const char *mb2_error_name(int err);

#endif
