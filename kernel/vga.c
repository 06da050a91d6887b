/*
 * vga.c - a mirror of the console on the VGA text screen, where the boot
 * left the card in text mode (a PC booted through BIOS or CSM; GRUB says
 * so with an EGA-text framebuffer tag, normally 80x25 at 0xb8000).  The
 * buffer is reached through the direct map (screen.c maps it, uncached).
 * Output only; it scrolls.
 */
#include "console.h"
#include "kstring.h"
#include "memlayout.h"

#define ATTR 0x0700 /* light grey on black */

static volatile u16 *screen;
static unsigned cols, rows, stride; /* stride: cells from one row to the next */
static unsigned row, col;

void vga_clear(void)
{
	for (unsigned r = 0; r < rows; r++)
		for (unsigned c = 0; c < cols; c++)
			screen[r * stride + c] = ATTR | ' ';
	row = col = 0;
}

void vga_init(u64 phys, unsigned width, unsigned height, unsigned pitch)
{
	screen = phys_to_virt(phys);
	cols = width;
	rows = height;
	stride = pitch / 2;
	vga_clear();
}

static void scroll(void)
{
	for (unsigned r = 0; r + 1 < rows; r++)
		for (unsigned c = 0; c < cols; c++)
			screen[r * stride + c] = screen[(r + 1) * stride + c];
	for (unsigned c = 0; c < cols; c++)
		screen[(rows - 1) * stride + c] = ATTR | ' ';
	row = rows - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n' || col >= cols) {
		col = 0;
		if (++row >= rows)
			scroll();
		if (c == '\n')
			return;
	}
	if (c == '\r')
		return;
	screen[row * stride + col++] = (u16)(ATTR | (u8)c);
}

bool vga_find(const char *s)
{
	size_t n = strlen(s);

	if (!screen || n == 0 || n > cols)
		return false;
	for (unsigned r = 0; r < rows; r++)
		for (unsigned c = 0; c + n <= cols; c++) {
			size_t k = 0;
			while (k < n && (char)(screen[r * stride + c + k] & 0xff) == s[k])
				k++;
			if (k == n)
				return true;
		}
	return false;
}
