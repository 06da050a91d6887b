/*
 * console.h - the kernel's output: COM1 serial and a printf.
 *
 * Everything the kernel says goes to COM1 (the test runner reads KTAP
 * from there) and to the VGA text screen (a real PC without a cable).  kprintf supports %s %c %d %i %u %x %X %p %%, the l, ll
 * and z length modifiers, a field width and the 0 and - flags.
 */
#ifndef SLOTGATE_CONSOLE_H
#define SLOTGATE_CONSOLE_H

#include "types.h"
#include <stdarg.h>

void serial_init(void);
void serial_putc(char c);
/* Wait until the UART has sent every byte (LSR bit 6, "TEMT"). */
void serial_drain(void);
/* The VGA text screen mirrors the console once vga_init() has run (after
 * the direct map exists). */
void vga_init(void);
void vga_putc(char c);

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
int kvprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size,
						     const char *fmt, ...);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
