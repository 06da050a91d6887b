/*
 * fbcon.h - a text console drawn on a linear framebuffer (pure C,
 * host-tested: tests/host/test_fbcon.c).
 *
 * The framebuffer is the one the boot loader's framebuffer tag describes
 * (mb2.h: direct colour at 15, 16, 24 or 32 bits per pixel, any field
 * positions); the caller maps it and hands over its virtual address.
 * Characters are drawn with the console font (font.h), each font pixel
 * as a scale x scale square: scale is the largest whole number that still
 * leaves at least FBCON_MIN_COLS x FBCON_MIN_ROWS cells, so the text stays
 * readable in a photograph of a large screen.  Light grey on black.
 *
 * The console keeps a shadow of the text (what each cell shows) and never
 * reads the framebuffer to draw: reads from video memory mapped
 * write-combining or uncached are slow.  It jump-scrolls: when a line
 * would fall off the bottom, the text moves up by FBCON_JUMP(rows) rows
 * (half the screen) at once, and only the cells whose character changed
 * are redrawn - one redraw per rows / 2 lines.
 *
 * Invariants (after every call returns):
 *   - every byte written lies in [base, base + pitch * height), in one of
 *     the width x height pixels (the cols x rows cell grid fits inside);
 *   - text[r][c] is the character cell (r, c) shows, for r < rows and
 *     c < cols (' ' for an empty cell);
 *   - row < rows and col <= cols (col == cols: the next character wraps).
 */
#ifndef SLOTGATE_FBCON_H
#define SLOTGATE_FBCON_H

#include "mb2.h"
#include "types.h"

#define FBCON_MAX_COLS 256 /* a larger screen is used up to these */
#define FBCON_MAX_ROWS 128
#define FBCON_MIN_COLS 100
#define FBCON_MIN_ROWS 30
/* Rows a scroll moves the text up by: half the screen, at least one. */
#define FBCON_JUMP(rows) ((rows) > 1 ? (rows) / 2 : 1u)

struct fbcon {
	u8 *base;           /* the framebuffer, mapped */
	u32 pitch;          /* bytes from one pixel row to the next */
	u32 width, height;  /* pixels */
	unsigned bytes;     /* per pixel: 2, 3 or 4 */
	u32 fg, bg;         /* pixel values in the framebuffer's layout */
	unsigned scale;     /* screen pixels per font pixel, each way */
	unsigned cols, rows;
	unsigned row, col;  /* where the next character goes */
	char text[FBCON_MAX_ROWS][FBCON_MAX_COLS];
};

/* Take over the framebuffer @fb (an MB2_FB_RGB tag) mapped at @base, and
 * clear it.  false (and @c unusable) for any other type, or a screen
 * smaller than one cell. */
bool fbcon_init(struct fbcon *c, void *base, const struct mb2_framebuffer *fb);
/* Print one character: '\n' ends the line, '\r' is ignored, a full line
 * wraps, the last row scrolls. */
void fbcon_putc(struct fbcon *c, char ch);
/* Blank the screen and put the cursor top left. */
void fbcon_clear(struct fbcon *c);
/* Whether the pixels of cell (@row, @col) are its shadow character's
 * glyph in the console's colours: the framebuffer read back, for tests. */
bool fbcon_cell_drawn(const struct fbcon *c, unsigned row, unsigned col);
/* Find @s on one row of the shadow; its cell in *@row, *@col. */
bool fbcon_find(const struct fbcon *c, const char *s, unsigned *row, unsigned *col);

#endif
