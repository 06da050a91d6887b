/*
 * font.h - the console's bitmap font: one 8x16 cell per printable ASCII
 * character (pure data, host-tested; kernel/font.c).
 *
 * A glyph is FONT_H bytes, one per pixel row from the top; in each byte
 * bit 7 is the leftmost pixel.  Drawn glyphs use columns 1..5 (6 for a
 * few) and rows 2..13 of the cell: capitals and digits rows 2..10, the
 * lower case x-height rows 5..10, descenders down to row 13; column 7 and
 * rows 0, 1, 14 and 15 stay clear (except '_', which fills row 13), so
 * neighbouring cells never touch.
 *
 * The font was drawn for Slotgate and is in the public domain.  Its
 * source form (the GLYPH() rows in font.c, '#' = pixel) is also what
 * tests/check_screen.py reads to render expected text on the host.
 */
#ifndef SLOTGATE_FONT_H
#define SLOTGATE_FONT_H

#include "types.h"

#define FONT_W 8
#define FONT_H 16

/* The glyph of @c; characters outside 0x20..0x7e get the '?' glyph. */
const u8 *font_glyph(char c);

#endif
