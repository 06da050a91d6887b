/*
 * test_mb2.c - host tests for the multiboot2 parser (kernel/mb2.c).
 *
 * A small builder appends tags to an 8-byte aligned buffer the way GRUB
 * lays them out (each tag padded to 8 bytes, an end tag last).  Each
 * case builds one structure, good or broken in one way, and asserts the
 * exact result.  Parsing runs on an exactly sized heap copy, so ASan
 * reports any read past the end of the structure.
 */
#include "htest.h"
#include "mb2.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC MB2_BOOTLOADER_MAGIC

struct mb2b {
	uint64_t q[2048]; /* u64 so the buffer is 8-byte aligned */
	size_t len;
};

static unsigned char *bytes(struct mb2b *b)
{
	return (unsigned char *)b->q;
}

static void put32(struct mb2b *b, size_t off, uint32_t v)
{
	memcpy(bytes(b) + off, &v, sizeof(v));
}

static void init(struct mb2b *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;
}

/* Set total_size to the bytes written so far. */
static void seal(struct mb2b *b)
{
	put32(b, 0, (uint32_t)b->len);
}

/* Append a tag whose size field says @size (payload of @plen bytes). */
static size_t tag_sized(struct mb2b *b, uint32_t type, uint32_t size,
			const void *payload, size_t plen)
{
	size_t at = b->len;

	put32(b, at, type);
	put32(b, at + 4, size);
	if (plen)
		memcpy(bytes(b) + at + 8, payload, plen);
	b->len = (at + 8 + plen + 7) & ~(size_t)7;
	seal(b);
	return at;
}

static size_t tag(struct mb2b *b, uint32_t type, const void *payload,
		  size_t plen)
{
	return tag_sized(b, type, (uint32_t)(8 + plen), payload, plen);
}

static void end(struct mb2b *b)
{
	tag(b, 0, NULL, 0);
}

static void string_tag(struct mb2b *b, uint32_t type, const char *s)
{
	tag(b, type, s, strlen(s) + 1);
}

static void module(struct mb2b *b, uint32_t start, uint32_t end_,
		   const char *s)
{
	unsigned char p[64];

	memcpy(p, &start, 4);
	memcpy(p + 4, &end_, 4);
	memcpy(p + 8, s, strlen(s) + 1);
	tag(b, 3, p, 8 + strlen(s) + 1);
}

/* A memory map of @n entries: base i MiB, length 4 KiB * (i + 1). */
static void mmap_tag(struct mb2b *b, uint32_t entry_size, size_t n)
{
	unsigned char p[8 + (MB2_MAX_MMAP + 8) * 32]; /* room past the limit */
	uint32_t version = 0;
	size_t i;

	memset(p, 0, sizeof(p));
	memcpy(p, &entry_size, 4);
	memcpy(p + 4, &version, 4);
	for (i = 0; i < n; i++) {
		uint64_t base = i << 20, length = (i + 1) * 4096;
		uint32_t type = i % 2 ? MB2_MEM_RESERVED : MB2_MEM_AVAILABLE;
		unsigned char *e = p + 8 + i * entry_size;

		memcpy(e, &base, 8);
		memcpy(e + 8, &length, 8);
		memcpy(e + 16, &type, 4);
	}
	tag(b, 6, p, 8 + n * entry_size);
}

/* Parse from an exactly @limit byte heap copy of @b. */
static int parse_lim(struct mb2b *b, size_t limit, struct mb2_info *out)
{
	void *copy = malloc(limit ? limit : 1);
	int err;

	memcpy(copy, b->q, limit);
	err = mb2_parse(MAGIC, copy, limit, out);
	free(copy);
	return err;
}

static int parse(struct mb2b *b)
{
	static struct mb2_info out;

	return parse_lim(b, b->len, &out);
}

/* cmdline, loader name, a 3-entry memory map, two modules, end. */
static void good(struct mb2b *b)
{
	init(b);
	string_tag(b, 1, "slotgate test=1");
	string_tag(b, 2, "GRUB 2.06");
	mmap_tag(b, 24, 3);
	module(b, 0x200000, 0x201234, "/boot/hello.elf");
	module(b, 0x202000, 0x202000, "");
	end(b);
}

HTEST(mb2_parses_full_structure)
{
	static struct mb2b b;
	static struct mb2_info out;
	void *copy;

	good(&b);
	copy = malloc(b.len);
	memcpy(copy, b.q, b.len);
	CHECK_EQ(mb2_parse(MAGIC, copy, b.len, &out), MB2_OK);
	CHECK_EQ(out.total_size, b.len);
	CHECK(strcmp(out.cmdline, "slotgate test=1") == 0);
	CHECK(strcmp(out.loader_name, "GRUB 2.06") == 0);
	CHECK_EQ(out.mmap_count, 3);
	CHECK_EQ(out.mmap_dropped, 0);
	CHECK_EQ(out.mmap[2].base, 2 << 20);
	CHECK_EQ(out.mmap[2].length, 3 * 4096);
	CHECK_EQ(out.mmap[1].type, MB2_MEM_RESERVED);
	CHECK_EQ(out.module_count, 2);
	CHECK_EQ(out.modules[0].start, 0x200000);
	CHECK_EQ(out.modules[0].end, 0x201234);
	CHECK(strcmp(out.modules[0].cmdline, "/boot/hello.elf") == 0);
	CHECK_EQ(out.modules[1].start, out.modules[1].end);
	CHECK(strcmp(out.modules[1].cmdline, "") == 0);
	CHECK((char *)out.cmdline > (char *)copy &&
	      (char *)out.cmdline < (char *)copy + b.len);
	CHECK_EQ(out.rsdp_len, 0);
	free(copy);
}

HTEST(mb2_rejects_bad_magic)
{
	static struct mb2b b;
	static struct mb2_info out;

	good(&b);
	CHECK_EQ(mb2_parse(0x2badb002, b.q, b.len, &out), MB2_E_MAGIC);
}

HTEST(mb2_rejects_misaligned_info)
{
	static struct mb2b b;
	static struct mb2_info out;

	good(&b);
	memmove(bytes(&b) + 4, b.q, b.len);
	CHECK_EQ(mb2_parse(MAGIC, bytes(&b) + 4, b.len, &out), MB2_E_ALIGN);
}

HTEST(mb2_rejects_bad_total_size)
{
	static struct mb2b b;
	static struct mb2_info out;

	good(&b);
	CHECK_EQ(parse_lim(&b, 7, &out), MB2_E_SIZE); /* no room for header */
	put32(&b, 0, 15);
	CHECK_EQ(parse(&b), MB2_E_SIZE);
	put32(&b, 0, (uint32_t)b.len + 8); /* beyond the caller's limit */
	CHECK_EQ(parse(&b), MB2_E_SIZE);
	put32(&b, 0, UINT32_MAX);
	CHECK_EQ(parse(&b), MB2_E_SIZE);
}

HTEST(mb2_accepts_minimal_structure)
{
	static struct mb2b b;
	static struct mb2_info out;

	init(&b);
	mmap_tag(&b, 24, 1);
	end(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK(strcmp(out.cmdline, "") == 0);
	CHECK(strcmp(out.loader_name, "") == 0);
	CHECK_EQ(out.module_count, 0);
	CHECK_EQ(out.mmap_count, 1);
}

HTEST(mb2_rejects_tag_past_end)
{
	static struct mb2b b;

	init(&b);
	mmap_tag(&b, 24, 1);
	tag_sized(&b, 1, 64, "abc", 4); /* claims 64 bytes, 16 remain */
	CHECK_EQ(parse(&b), MB2_E_TAG);
	put32(&b, b.len - 16 + 4, UINT32_MAX);
	CHECK_EQ(parse(&b), MB2_E_TAG);
}

HTEST(mb2_rejects_tag_size_below_8)
{
	static struct mb2b b;

	init(&b);
	mmap_tag(&b, 24, 1);
	tag_sized(&b, 1234, 4, NULL, 0);
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_TAG);
}

HTEST(mb2_rejects_unterminated_strings)
{
	static struct mb2b b;
	size_t at;

	init(&b);
	mmap_tag(&b, 24, 1);
	tag_sized(&b, 1, 8 + 8, "12345678", 8); /* fills its tag, no NUL */
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_STRING);

	init(&b);
	mmap_tag(&b, 24, 1);
	at = b.len;
	module(&b, 0x1000, 0x2000, "abcdefg");
	put32(&b, at + 4, 16 + 7); /* cut the NUL off the module string */
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_STRING);
}

HTEST(mb2_rejects_bad_mmap_entry_size)
{
	static struct mb2b b;

	init(&b);
	mmap_tag(&b, 20, 2);
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MMAP);
	init(&b);
	mmap_tag(&b, 28, 2);
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MMAP);
	init(&b);
	mmap_tag(&b, 16, 2); /* a multiple of 8, but shorter than an entry */
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MMAP);
	init(&b);
	mmap_tag(&b, 0, 0);
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MMAP);
}

HTEST(mb2_rejects_partial_mmap_entry)
{
	static struct mb2b b;
	size_t at;

	init(&b);
	at = b.len;
	mmap_tag(&b, 24, 2);
	put32(&b, at + 4, 16 + 24 + 8); /* one entry and a third */
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MMAP);
}

HTEST(mb2_accepts_wider_mmap_entries)
{
	static struct mb2b b;
	static struct mb2_info out;

	init(&b);
	mmap_tag(&b, 32, 4);
	end(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK_EQ(out.mmap_count, 4);
	CHECK_EQ(out.mmap[3].base, 3 << 20);
}

HTEST(mb2_counts_dropped_mmap_entries)
{
	static struct mb2b b;
	static struct mb2_info out;

	init(&b);
	mmap_tag(&b, 24, MB2_MAX_MMAP + 5);
	end(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK_EQ(out.mmap_count, MB2_MAX_MMAP);
	CHECK_EQ(out.mmap_dropped, 5);
	CHECK_EQ(out.mmap[MB2_MAX_MMAP - 1].base,
		 (uint64_t)(MB2_MAX_MMAP - 1) << 20);
}

HTEST(mb2_rejects_module_end_below_start)
{
	static struct mb2b b;

	init(&b);
	mmap_tag(&b, 24, 1);
	module(&b, 0x2000, 0x1fff, "x");
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MODULE);
}

HTEST(mb2_rejects_too_many_modules)
{
	static struct mb2b b;
	static struct mb2_info out;
	int i;

	init(&b);
	mmap_tag(&b, 24, 1);
	for (i = 0; i < MB2_MAX_MODULES; i++)
		module(&b, 0x100000 * i, 0x100000 * i + 10, "m");
	end(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK_EQ(out.module_count, MB2_MAX_MODULES);
	b.len -= 8; /* drop the end tag, add one module too many */
	module(&b, 0x7000000, 0x7000010, "m");
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_MODULE);
}

HTEST(mb2_rejects_missing_end_tag)
{
	static struct mb2b b;
	static struct mb2_info out;

	init(&b);
	mmap_tag(&b, 24, 1);
	string_tag(&b, 1, "no end");
	CHECK_EQ(parse(&b), MB2_E_NO_END);
	put32(&b, 0, (uint32_t)b.len + 4); /* 4 stray bytes: not a tag */
	CHECK_EQ(parse_lim(&b, b.len + 4, &out), MB2_E_NO_END);
}

HTEST(mb2_rejects_missing_mmap)
{
	static struct mb2b b;

	init(&b);
	string_tag(&b, 1, "quiet");
	end(&b);
	CHECK_EQ(parse(&b), MB2_E_NO_MMAP);
}

HTEST(mb2_skips_unknown_tags)
{
	static struct mb2b b;
	static struct mb2_info out;

	init(&b);
	tag(&b, 0x55, "\x01\x02\x03", 3);
	tag(&b, 14, "RSD PTR \0\0\0\0\0\0\0\0\0\0\0\0", 20); /* old RSDP */
	mmap_tag(&b, 24, 2);
	end(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK_EQ(out.mmap_count, 2);
	CHECK_EQ(out.rsdp_len, 20);
	CHECK_EQ(out.rsdp_tag, 14);
}

/* Both RSDP copies: the ACPI 2.0 one (tag 15) wins in either order, and
 * a tag longer than an RSDP is cut to MB2_RSDP_MAX. */
HTEST(mb2_copies_the_newest_rsdp)
{
	static struct mb2b b;
	static struct mb2_info out;
	static const char v1[20] = "RSD PTR old";
	static const char v2[40] = "RSD PTR new";

	for (int order = 0; order < 2; order++) {
		init(&b);
		if (order == 0)
			tag(&b, 14, v1, sizeof(v1));
		tag(&b, 15, v2, sizeof(v2));
		if (order == 1)
			tag(&b, 14, v1, sizeof(v1));
		mmap_tag(&b, 24, 1);
		end(&b);
		CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
		CHECK_EQ(out.rsdp_tag, 15);
		CHECK_EQ(out.rsdp_len, MB2_RSDP_MAX);
		CHECK(memcmp(out.rsdp, "RSD PTR new", 11) == 0);
	}
}

HTEST(mb2_rejects_every_truncation)
{
	static struct mb2b b;
	static struct mb2_info out;
	size_t n;
	int bad = 0;

	good(&b);
	for (n = 16; n < b.len; n++) {
		put32(&b, 0, (uint32_t)n);
		bad += parse_lim(&b, n, &out) == MB2_OK;
	}
	CHECK_EQ(bad, 0);
}

HTEST(mb2_names_errors)
{
	CHECK(strcmp(mb2_error_name(MB2_OK), "MB2_OK") == 0);
	CHECK(strcmp(mb2_error_name(MB2_E_TAG), "MB2_E_TAG") == 0);
	CHECK(strcmp(mb2_error_name(MB2_E_NO_MMAP), "MB2_E_NO_MMAP") == 0);
	CHECK(strcmp(mb2_error_name(MB2_E_FRAMEBUFFER), "MB2_E_FRAMEBUFFER") == 0);
	CHECK(strcmp(mb2_error_name(-11), "MB2_E_UNKNOWN") == 0);
	CHECK(strcmp(mb2_error_name(3), "MB2_E_UNKNOWN") == 0);
}

/* A framebuffer tag as GRUB writes it (struct multiboot_tag_framebuffer):
 * addr, pitch, width, height, bpp, type, u16 reserved, then for RGB the
 * six colour bytes; @plen cuts the payload (24 common bytes + 6). */
struct fbdesc {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint8_t fields[6];
};

static void fb_tag_len(struct mb2b *b, const struct fbdesc *d, size_t plen)
{
	unsigned char p[32];

	memset(p, 0, sizeof(p));
	memcpy(p, &d->addr, 8);
	memcpy(p + 8, &d->pitch, 4);
	memcpy(p + 12, &d->width, 4);
	memcpy(p + 16, &d->height, 4);
	p[20] = d->bpp;
	p[21] = d->type;
	memcpy(p + 24, d->fields, 6);
	tag(b, 8, p, plen);
}

static const struct fbdesc fb_1280x800 = {
	.addr = 0x80000000u, .pitch = 5120, .width = 1280, .height = 800,
	.bpp = 32, .type = MB2_FB_RGB, .fields = {16, 8, 8, 8, 0, 8},
};

static int parse_fb(const struct fbdesc *d, size_t plen, struct mb2_info *out)
{
	static struct mb2b b;

	init(&b);
	mmap_tag(&b, 24, 1);
	fb_tag_len(&b, d, plen);
	end(&b);
	return parse_lim(&b, b.len, out);
}

HTEST(mb2_reads_rgb_framebuffer)
{
	static struct mb2_info out;

	CHECK_EQ(parse_fb(&fb_1280x800, 30, &out), MB2_OK);
	CHECK(out.has_fb);
	CHECK_EQ(out.fb.addr, 0x80000000u);
	CHECK_EQ(out.fb.pitch, 5120);
	CHECK_EQ(out.fb.width, 1280);
	CHECK_EQ(out.fb.height, 800);
	CHECK_EQ(out.fb.bpp, 32);
	CHECK_EQ(out.fb.type, MB2_FB_RGB);
	CHECK_EQ(out.fb.red_pos, 16);
	CHECK_EQ(out.fb.red_size, 8);
	CHECK_EQ(out.fb.green_pos, 8);
	CHECK_EQ(out.fb.blue_pos, 0);
	CHECK_EQ(out.fb.blue_size, 8);

	/* 16 bpp 5:6:5 and 24 bpp are read as well */
	struct fbdesc d = fb_1280x800;
	d.bpp = 16;
	d.pitch = 2560;
	memcpy(d.fields, (uint8_t[6]){11, 5, 5, 6, 0, 5}, 6);
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_OK);
	CHECK_EQ(out.fb.bpp, 16);
	CHECK_EQ(out.fb.red_pos, 11);
	CHECK_EQ(out.fb.green_size, 6);
	d.bpp = 24;
	d.pitch = 3840;
	memcpy(d.fields, (uint8_t[6]){16, 8, 8, 8, 0, 8}, 6);
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_OK);
	CHECK_EQ(out.fb.bpp, 24);
}

/* GRUB in BIOS text mode: EGA text at 0xb8000, 80x25 cells. */
HTEST(mb2_reads_ega_text_framebuffer)
{
	static struct mb2_info out;
	const struct fbdesc d = {.addr = 0xb8000, .pitch = 160, .width = 80,
				 .height = 25, .bpp = 16, .type = MB2_FB_EGA_TEXT};

	CHECK_EQ(parse_fb(&d, 24, &out), MB2_OK);
	CHECK(out.has_fb);
	CHECK_EQ(out.fb.type, MB2_FB_EGA_TEXT);
	CHECK_EQ(out.fb.addr, 0xb8000);
	CHECK_EQ(out.fb.width, 80);
	CHECK_EQ(out.fb.height, 25);
}

/* No framebuffer tag (UEFI GRUB without a video mode): has_fb is false. */
HTEST(mb2_without_framebuffer_tag)
{
	static struct mb2b b;
	static struct mb2_info out;

	good(&b);
	CHECK_EQ(parse_lim(&b, b.len, &out), MB2_OK);
	CHECK(!out.has_fb);
}

/* Every way a tag can describe more (or less) than a framebuffer. */
HTEST(mb2_rejects_bad_framebuffers)
{
	static struct mb2_info out;
	struct fbdesc d;

	CHECK_EQ(parse_fb(&fb_1280x800, 23, &out), MB2_E_FRAMEBUFFER); /* short */
	CHECK_EQ(parse_fb(&fb_1280x800, 24, &out), MB2_E_FRAMEBUFFER); /* no RGB fields */
	CHECK_EQ(parse_fb(&fb_1280x800, 29, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.pitch = 5116; /* a row of 1280 pixels is 5120 bytes */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.width = 0;
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.height = 0;
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.pitch = 0;
	d.width = 1;
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.bpp = 8; /* RGB at 8 bpp: not a mode anyone sets */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.fields[0] = 28; /* red at bits 28..35 of 32 */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.fields[3] = 0; /* a green field of no bits */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.fields[5] = 9; /* more than 8 bits of blue */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = fb_1280x800;
	d.addr = UINT64_MAX - 4096; /* addr + pitch * height wraps */
	CHECK_EQ(parse_fb(&d, 30, &out), MB2_E_FRAMEBUFFER);
	d = (struct fbdesc){.addr = 0xb8000, .pitch = 158, .width = 80,
			    .height = 25, .bpp = 16, .type = MB2_FB_EGA_TEXT};
	CHECK_EQ(parse_fb(&d, 24, &out), MB2_E_FRAMEBUFFER); /* 80 cells need 160 */
	/* a palette mode is kept (the console will not draw on it) */
	d = fb_1280x800;
	d.type = MB2_FB_INDEXED;
	d.bpp = 8;
	d.pitch = 1280;
	CHECK_EQ(parse_fb(&d, 24, &out), MB2_OK);
	CHECK_EQ(out.fb.type, MB2_FB_INDEXED);
}
