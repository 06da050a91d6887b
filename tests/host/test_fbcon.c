/*
 * test_fbcon.c - host tests for the framebuffer console (kernel/fbcon.c)
 * and its font (kernel/font.c).
 *
 * The framebuffer is a heap buffer of exactly pitch * height bytes, so
 * ASan reports any write past it; a pitch wider than a row leaves padding
 * bytes that must keep their fill pattern.  Each case checks the drawn
 * pixels against the font, cell by cell (fbcon_cell_drawn), and against
 * the shadow text.
 */
#include "htest.h"
#include "fbcon.h"
#include "font.h"

#include <stdlib.h>
#include <string.h>

#define PAD 0x5a /* the bytes of a row past width * bytes per pixel */

static struct fbcon con;

static struct mb2_framebuffer rgb(u32 w, u32 h, u8 bpp, u32 pad)
{
	struct mb2_framebuffer fb = {.width = w, .height = h, .bpp = bpp,
				     .type = MB2_FB_RGB};
	unsigned bytes = (bpp + 7u) / 8u;

	fb.pitch = w * bytes + pad;
	if (bpp == 16) { /* 5:6:5 */
		fb.red_pos = 11, fb.red_size = 5;
		fb.green_pos = 5, fb.green_size = 6;
		fb.blue_pos = 0, fb.blue_size = 5;
	} else {
		fb.red_pos = 16, fb.red_size = 8;
		fb.green_pos = 8, fb.green_size = 8;
		fb.blue_pos = 0, fb.blue_size = 8;
	}
	return fb;
}

static u8 *screen(const struct mb2_framebuffer *fb)
{
	u8 *p = malloc((size_t)fb->pitch * fb->height);
	memset(p, PAD, (size_t)fb->pitch * fb->height);
	return p;
}

static void puts_(const char *s)
{
	while (*s)
		fbcon_putc(&con, *s++);
}

/* Every cell shows its shadow character in pixels. */
static bool all_drawn(void)
{
	for (unsigned r = 0; r < con.rows; r++)
		for (unsigned c = 0; c < con.cols; c++)
			if (!fbcon_cell_drawn(&con, r, c))
				return false;
	return true;
}

/* The row padding past the pixels was never written. */
static bool padding_intact(const struct mb2_framebuffer *fb, const u8 *p)
{
	unsigned used = fb->width * ((fb->bpp + 7u) / 8u);

	for (u32 y = 0; y < fb->height; y++)
		for (u32 x = used; x < fb->pitch; x++)
			if (p[(size_t)y * fb->pitch + x] != PAD)
				return false;
	return true;
}

static bool row_is(unsigned r, const char *s)
{
	size_t n = strlen(s);

	if (memcmp(con.text[r], s, n) != 0)
		return false;
	for (size_t k = n; k < con.cols; k++)
		if (con.text[r][k] != ' ')
			return false;
	return true;
}

HTEST(font_glyphs_stay_in_their_cell)
{
	for (int ch = 0x20; ch < 0x7f; ch++) {
		const u8 *g = font_glyph((char)ch);
		CHECK(g[0] == 0 && g[1] == 0 && g[14] == 0 && g[15] == 0);
		for (int y = 0; y < FONT_H; y++)
			if (ch != '_')
				CHECK((g[y] & 1) == 0); /* column 7 stays clear */
	}
	CHECK(font_glyph(' ')[8] == 0);
	CHECK(font_glyph('\x01') == font_glyph('?'));
	CHECK(font_glyph((char)0xe9) == font_glyph('?'));
	/* distinct glyphs: no two printable characters look alike */
	for (int a = 0x20; a < 0x7f; a++)
		for (int b = a + 1; b < 0x7f; b++)
			CHECK(memcmp(font_glyph((char)a), font_glyph((char)b), FONT_H) != 0);
}

HTEST(fbcon_draws_text_at_32bpp)
{
	struct mb2_framebuffer fb = rgb(640, 480, 32, 64);
	u8 *p = screen(&fb);

	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.scale, 1);
	CHECK_EQ(con.cols, 80);
	CHECK_EQ(con.rows, 30);
	puts_("slotgate: exit 0\nA~|");
	CHECK(row_is(0, "slotgate: exit 0"));
	CHECK(row_is(1, "A~|"));
	CHECK_EQ(con.row, 1);
	CHECK_EQ(con.col, 3);
	CHECK(all_drawn());
	CHECK(padding_intact(&fb, p));
	/* the 's' top-left: its first x-height row is cell row 5 */
	u32 px;
	memcpy(&px, p + 5 * fb.pitch + 2 * 4, 4);
	CHECK_EQ(px, 0xc0c0c0);
	memcpy(&px, p, 4);
	CHECK_EQ(px, 0);
	unsigned r, c;
	CHECK(fbcon_find(&con, "exit 0", &r, &c));
	CHECK_EQ(r, 0);
	CHECK_EQ(c, 10);
	CHECK(!fbcon_find(&con, "exit 1", &r, &c));
	free(p);
}

HTEST(fbcon_draws_at_24_and_16bpp)
{
	for (int bpp = 16; bpp <= 24; bpp += 8) {
		struct mb2_framebuffer fb = rgb(808, 500, (u8)bpp, 6);
		u8 *p = screen(&fb);

		CHECK(fbcon_init(&con, p, &fb));
		CHECK_EQ(con.cols, 101); /* 808 / 8, the last 0 pixels unused */
		CHECK_EQ(con.rows, 31);
		puts_("TSC 3211915700 Hz\n#$%&@");
		CHECK(all_drawn());
		CHECK(padding_intact(&fb, p));
		if (bpp == 16) {
			u16 px;
			/* the top bar of the 'T' (cell row 2), and left of it */
			memcpy(&px, p + 2 * fb.pitch + 2 * 2, 2);
			CHECK_EQ(px, 0xc618); /* 0xc0c0c0 in 5:6:5 */
			memcpy(&px, p + 2 * fb.pitch, 2);
			CHECK_EQ(px, 0);
		}
		free(p);
	}
}

HTEST(fbcon_scales_on_large_screens)
{
	struct mb2_framebuffer fb = rgb(1920, 1080, 32, 0);
	u8 *p = screen(&fb);

	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.scale, 2);
	CHECK_EQ(con.cols, 120);
	CHECK_EQ(con.rows, 33);
	puts_("round trips");
	CHECK(all_drawn());
	free(p);

	fb = rgb(3840, 2160, 32, 0);
	p = screen(&fb);
	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.scale, 4);
	CHECK_EQ(con.cols, 120);
	CHECK_EQ(con.rows, 33);
	free(p);
}

/* A screen wider than the shadow holds is used up to FBCON_MAX_COLS. */
HTEST(fbcon_clamps_to_its_shadow)
{
	struct mb2_framebuffer fb = rgb(2200, 600, 32, 0);
	u8 *p = screen(&fb);

	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.scale, 1);
	CHECK_EQ(con.cols, FBCON_MAX_COLS);
	for (int i = 0; i < 300; i++)
		fbcon_putc(&con, (char)('a' + i % 26));
	CHECK_EQ(con.row, 1);
	CHECK_EQ(con.col, 300 - FBCON_MAX_COLS);
	CHECK(all_drawn());
	free(p);
}

HTEST(fbcon_wraps_and_scrolls)
{
	struct mb2_framebuffer fb = rgb(800, 480, 32, 16);
	u8 *p = screen(&fb);
	char line[32];

	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.cols, 100);
	CHECK_EQ(con.rows, 30);
	for (int i = 0; i < 45; i++) {
		snprintf(line, sizeof(line), "line %d\r\n", i);
		puts_(line);
	}
	/* 30 rows jump by 15: the newline after "line 29" moved lines
	 * 15..29 to rows 0..14, the one after "line 44" lines 30..44 */
	CHECK_EQ(FBCON_JUMP(con.rows), 15);
	CHECK(row_is(0, "line 30"));
	CHECK(row_is(14, "line 44"));
	for (unsigned r = 15; r < con.rows; r++)
		CHECK(row_is(r, ""));
	CHECK_EQ(con.row, 15);
	CHECK_EQ(con.col, 0);
	CHECK(all_drawn());
	/* a full row wraps onto the next */
	for (unsigned i = 0; i < con.cols + 5; i++)
		fbcon_putc(&con, 'x');
	CHECK_EQ(con.row, 16);
	CHECK_EQ(con.col, 5);
	CHECK(row_is(16, "xxxxx"));
	/* and the last row's wrap scrolls: rows 15..29 move to 0..14 */
	for (unsigned i = 0; i < 13; i++)
		fbcon_putc(&con, '\n');
	CHECK_EQ(con.row, 29);
	for (unsigned i = 0; i < con.cols + 2; i++)
		fbcon_putc(&con, 'y');
	CHECK_EQ(con.row, 15);
	CHECK_EQ(con.col, 2);
	CHECK(row_is(1, "xxxxx"));
	CHECK(row_is(15, "yy"));
	CHECK(row_is(13, ""));
	CHECK(all_drawn());
	CHECK(padding_intact(&fb, p));
	fbcon_clear(&con);
	CHECK(row_is(0, ""));
	CHECK_EQ(con.row, 0);
	CHECK(all_drawn());
	free(p);
}

HTEST(fbcon_refuses_what_it_cannot_draw)
{
	struct mb2_framebuffer fb = rgb(640, 480, 32, 0);
	u8 buf[64];

	fb.type = MB2_FB_EGA_TEXT;
	CHECK(!fbcon_init(&con, buf, &fb));
	fb.type = MB2_FB_INDEXED;
	CHECK(!fbcon_init(&con, buf, &fb));
	fb = rgb(7, 100, 32, 0);
	CHECK(!fbcon_init(&con, buf, &fb));
	fb = rgb(100, 15, 32, 0);
	CHECK(!fbcon_init(&con, buf, &fb));
	/* one cell exactly is a screen */
	fb = rgb(8, 16, 32, 0);
	u8 *p = screen(&fb);
	CHECK(fbcon_init(&con, p, &fb));
	CHECK_EQ(con.cols, 1);
	CHECK_EQ(con.rows, 1);
	puts_("ab\nc");
	CHECK(row_is(0, "c"));
	CHECK(all_drawn());
	free(p);
}
