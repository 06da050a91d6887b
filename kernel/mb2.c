/*
 * mb2.c - multiboot2 boot information parser.
 *
 * The structure is a u32 total_size, a u32 reserved word, then a list of
 * 8-byte aligned tags {u32 type, u32 size, payload} ended by a tag of
 * type 0.  Every field is read with memcpy (no unaligned access), every
 * size is compared against what is left of the structure by subtraction
 * (no overflow), and every string must end inside its own tag.
 *
 * The ACPI RSDP tags (14: the ACPI 1.0 RSDP, 15: the 2.0+ one) carry a
 * copy of the RSDP, which is copied out (the info structure's memory is
 * reused later); the new one wins when both are there.  Whether the copy
 * is a valid RSDP is acpi.c's to check.
 *
 * The framebuffer tag (8) describes the video mode the loader left: GRUB
 * gives it for a graphics mode and, on a PC in text mode, for EGA text at
 * 0xb8000; under UEFI there is no text mode, and with no mode set there
 * is no tag.  Its geometry is checked here (mb2.h), so the console never
 * draws past what the tag describes.
 */
#include "types.h"
#include "mb2.h"
#include "kstring.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MB2_HDR_SIZE 8		/* total_size, reserved */
#define MB2_TAG_HDR 8		/* type, size */
#define MB2_MODULE_HDR 16	/* tag header, mod_start, mod_end */
#define MB2_MMAP_HDR 16		/* tag header, entry_size, entry_version */
#define MB2_MMAP_ENTRY_MIN 24	/* base, length, type, reserved */
#define MB2_FB_COMMON 32	/* tag header .. bpp, type, u16 reserved */
#define MB2_FB_RGB_SIZE 38	/* + six u8 colour fields */

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The @len bytes at @s must hold a NUL; returns the string or NULL. */
static const char *tag_string(const u8 *s, size_t len)
{
	if (strnlen((const char *)s, len) >= len)
		return NULL;
	return (const char *)s;
}

static int parse_module(const u8 *tag, u32 size, struct mb2_info *out)
{
	struct mb2_module *m;
	const char *cmdline;
	u32 start, end;

	if (size < MB2_MODULE_HDR)
		return MB2_E_TAG;
	cmdline = tag_string(tag + MB2_MODULE_HDR, size - MB2_MODULE_HDR);
	if (!cmdline)
		return MB2_E_STRING;
	start = rd32(tag + 8);
	end = rd32(tag + 12);
	if (end < start || out->module_count >= MB2_MAX_MODULES)
		return MB2_E_MODULE;
	m = &out->modules[out->module_count++];
	m->start = start;
	m->end = end;
	m->cmdline = cmdline;
	return MB2_OK;
}

static int parse_mmap(const u8 *tag, u32 size, struct mb2_info *out)
{
	u32 entry_size, bytes, off;

	if (size < MB2_MMAP_HDR)
		return MB2_E_TAG;
	entry_size = rd32(tag + 8);
	if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % 8 != 0)
		return MB2_E_MMAP;
	bytes = size - MB2_MMAP_HDR;
	if (bytes % entry_size != 0)
		return MB2_E_MMAP;
	for (off = 0; off < bytes; off += entry_size) {
		const u8 *e = tag + MB2_MMAP_HDR + off;
		struct mb2_mmap_entry *m;

		if (out->mmap_count >= MB2_MAX_MMAP) {
			out->mmap_dropped++;
			continue;
		}
		m = &out->mmap[out->mmap_count++];
		m->base = rd64(e);
		m->length = rd64(e + 8);
		m->type = rd32(e + 16);
	}
	return MB2_OK;
}

/* An RSDP copy tag: the copy (at most MB2_RSDP_MAX bytes of it). */
static int parse_rsdp(const u8 *tag, u32 type, u32 size, struct mb2_info *out)
{
	u32 len = MIN(size - MB2_TAG_HDR, (u32)MB2_RSDP_MAX);

	if (type == MB2_TAG_ACPI_OLD && out->rsdp_tag == MB2_TAG_ACPI_NEW)
		return MB2_OK;
	memcpy(out->rsdp, tag + MB2_TAG_HDR, len);
	out->rsdp_len = len;
	out->rsdp_tag = type;
	return MB2_OK;
}

/* A colour field of @size bits at @pos must lie inside @bpp bits. */
static bool field_ok(u8 pos, u8 size, u8 bpp)
{
	return size > 0 && size <= 8 && (u32)pos + size <= bpp;
}

static int parse_framebuffer(const u8 *tag, u32 size, struct mb2_info *out)
{
	struct mb2_framebuffer *fb = &out->fb;
	u32 bytes_per;

	if (size < MB2_FB_COMMON)
		return MB2_E_FRAMEBUFFER;
	memset(fb, 0, sizeof(*fb));
	fb->addr = rd64(tag + 8);
	fb->pitch = rd32(tag + 16);
	fb->width = rd32(tag + 20);
	fb->height = rd32(tag + 24);
	fb->bpp = tag[28];
	fb->type = tag[29];
	if (!fb->width || !fb->height || !fb->pitch)
		return MB2_E_FRAMEBUFFER;
	switch (fb->type) {
	case MB2_FB_RGB:
		if (size < MB2_FB_RGB_SIZE)
			return MB2_E_FRAMEBUFFER;
		if (fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
			return MB2_E_FRAMEBUFFER;
		fb->red_pos = tag[32];
		fb->red_size = tag[33];
		fb->green_pos = tag[34];
		fb->green_size = tag[35];
		fb->blue_pos = tag[36];
		fb->blue_size = tag[37];
		if (!field_ok(fb->red_pos, fb->red_size, fb->bpp) ||
		    !field_ok(fb->green_pos, fb->green_size, fb->bpp) ||
		    !field_ok(fb->blue_pos, fb->blue_size, fb->bpp))
			return MB2_E_FRAMEBUFFER;
		bytes_per = (fb->bpp + 7u) / 8u;
		break;
	case MB2_FB_EGA_TEXT:
		bytes_per = 2; /* character, attribute */
		break;
	default:
		bytes_per = (fb->bpp + 7u) / 8u; /* kept, never drawn on */
		break;
	}
	/* width * bytes_per cannot overflow in u64; neither can pitch * height */
	if ((u64)fb->width * bytes_per > fb->pitch)
		return MB2_E_FRAMEBUFFER;
	if (fb->addr + (u64)fb->pitch * fb->height < fb->addr)
		return MB2_E_FRAMEBUFFER;
	out->has_fb = true;
	return MB2_OK;
}

/* One tag of @size bytes (already bounds-checked) at @tag. */
static int parse_tag(const u8 *tag, u32 type, u32 size, struct mb2_info *out,
		     bool *seen_mmap)
{
	const char *s;

	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER:
		s = tag_string(tag + MB2_TAG_HDR, size - MB2_TAG_HDR);
		if (!s)
			return MB2_E_STRING;
		if (type == MB2_TAG_CMDLINE)
			out->cmdline = s;
		else
			out->loader_name = s;
		return MB2_OK;
	case MB2_TAG_MODULE:
		return parse_module(tag, size, out);
	case MB2_TAG_MMAP:
		*seen_mmap = true;
		return parse_mmap(tag, size, out);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_rsdp(tag, type, size, out);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(tag, size, out);
	default:
		return MB2_OK; /* unknown tags skipped */
	}
}

/* Walk the tags of the @total byte structure at @base. */
static int walk_tags(const u8 *base, size_t total, struct mb2_info *out)
{
	size_t off = MB2_HDR_SIZE;
	bool seen_mmap = false;

	while (total - off >= MB2_TAG_HDR) {
		u32 type = rd32(base + off);
		u32 size = rd32(base + off + 4);
		int err;

		if (size < MB2_TAG_HDR || size > total - off)
			return MB2_E_TAG;
		if (type == MB2_TAG_END) {
			if (size != MB2_TAG_HDR)
				return MB2_E_TAG;
			return seen_mmap ? MB2_OK : MB2_E_NO_MMAP;
		}
		err = parse_tag(base + off, type, size, out, &seen_mmap);
		if (err)
			return err;
		/* size <= total - off, so this cannot wrap; may pass total. */
		off += ALIGN_UP((size_t)size, 8);
		if (off > total)
			break;
	}
	return MB2_E_NO_END;
}

int mb2_parse(u32 magic, const void *info, size_t limit, struct mb2_info *out)
{
	const u8 *base = info;
	u32 total;

	if (magic != MB2_BOOTLOADER_MAGIC)
		return MB2_E_MAGIC;
	if (!info || limit < MB2_HDR_SIZE)
		return MB2_E_SIZE;
	if (!IS_ALIGNED((uintptr_t)info, 8))
		return MB2_E_ALIGN;
	total = rd32(base);
	if (total < MB2_HDR_SIZE + MB2_TAG_HDR || total > limit)
		return MB2_E_SIZE;

	memset(out, 0, sizeof(*out));
	out->total_size = total;
	out->cmdline = "";
	out->loader_name = "";
	return walk_tags(base, total, out);
}

const char *mb2_error_name(int err)
{
	static const char *const names[] = {
		"MB2_OK",	"MB2_E_MAGIC",	"MB2_E_ALIGN",	"MB2_E_SIZE",
		"MB2_E_TAG",	"MB2_E_STRING", "MB2_E_MMAP",	"MB2_E_MODULE",
		"MB2_E_NO_END", "MB2_E_NO_MMAP", "MB2_E_FRAMEBUFFER",
	};

	if (err > 0 || err < -(int)(ARRAY_SIZE(names) - 1))
		return "MB2_E_UNKNOWN";
	return names[-err];
}
