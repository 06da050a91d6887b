/*
 * console.h - the kernel's output: COM1 serial, a screen, and a printf.
 *
 * Everything the kernel says goes to COM1 (the test runner reads KTAP
 * from there) and to the screen the boot offers (a real PC without a
 * cable): screen.c picks it from the multiboot2 framebuffer tag - the
 * VGA text screen (vga.c) in text mode, the framebuffer console (fbcon.h)
 * in a graphics mode (UEFI always), or none.  kprintf supports %s %c %d
 * %i %u %x %X %p %%, the l, ll and z length modifiers, a field width and
 * the 0 and - flags.
 */
#ifndef SLOTGATE_CONSOLE_H
#define SLOTGATE_CONSOLE_H

#include "types.h"
#include <stdarg.h>

void serial_init(void);
void serial_putc(char c);
/* Wait until the UART has sent every byte (LSR bit 6, "TEMT"). */
void serial_drain(void);
struct mb2_info;
struct fbcon;

/* The screen mirrors the console once screen_init() has run (after
 * kpt_init: it maps what it draws on).  Before, and with no screen, the
 * console is COM1 alone.  Like COM1 it has no lock of its own: kernel
 * code prints holding the big kernel lock (bkl.h). */
enum screen_kind { SCREEN_NONE, SCREEN_VGA_TEXT, SCREEN_FRAMEBUFFER };
void screen_init(const struct mb2_info *mb);
void screen_putc(char c);
/* Blank the screen (not COM1) and start again at its top left. */
void screen_clear(void);
enum screen_kind screen_kind(void);
/* Its size in characters; 0 x 0 with no screen. */
void screen_size(unsigned *cols, unsigned *rows);
/* TSC ticks spent drawing on the screen so far, and characters drawn. */
void screen_cost(u64 *ticks, u64 *chars);
/* The framebuffer console, or NULL when the screen is not one (tests). */
struct fbcon *screen_fbcon(void);

/* VGA text mode (vga.c): @width x @height cells of 2 bytes at physical
 * @phys, @pitch bytes per row, already mapped in the direct map. */
void vga_init(u64 phys, unsigned width, unsigned height, unsigned pitch);
void vga_putc(char c);
void vga_clear(void);
/* Whether @s is on one row of the text screen (tests). */
bool vga_find(const char *s);

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
						     const char *fmt, ...);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
