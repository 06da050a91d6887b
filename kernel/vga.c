/*
 * vga.c - a mirror of the console on the VGA text screen (80x25 at
 * 0xb8000, through the direct map), so a real PC booted from the ISO
 * shows the boot log and the benchmark table without a serial cable.
 * Output only; it scrolls.  The BIOS leaves the card in text mode 3.
 */
#include "console.h"
#include "kstring.h"
#include "memlayout.h"

#define VGA_PHYS 0xb8000
#define COLS 80
#define ROWS 25
#define ATTR 0x0700 /* light grey on black */

static volatile u16 *screen;
static unsigned row, col;

void vga_init(void)
{
	screen = phys_to_virt(VGA_PHYS);
	for (unsigned i = 0; i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
}

static void scroll(void)
{
	for (unsigned i = 0; i < COLS * (ROWS - 1); i++)
		screen[i] = screen[i + COLS];
	for (unsigned i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = ROWS - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n' || col == COLS) {
		col = 0;
		if (++row == ROWS)
			scroll();
		if (c == '\n')
			return;
	}
	if (c == '\r')
		return;
	screen[row * COLS + col++] = (u16)(ATTR | (u8)c);
}
