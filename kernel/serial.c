/* serial.c - polled 16550 UART on COM1, 115200 8N1. */
#include "arch/x86.h"
#include "console.h"

#define COM1 0x3f8
#define LSR_THR_EMPTY 0x20
#define LSR_TX_IDLE 0x40

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts: we poll */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* divisor 1 = 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1 + 5) & LSR_THR_EMPTY))
		pause();
	outb(COM1, (u8)c);
}

void serial_drain(void)
{
	while (!(inb(COM1 + 5) & LSR_TX_IDLE))
		pause();
}
