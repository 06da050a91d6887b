/*
 * uart.c - a 16550 UART driver at ring 3: it owns COM2 (ports 0x2f8..0x2ff)
 * through the TSS I/O permission bitmap, which the kernel switches with
 * the driver's slot (module line io=0x2f8:8): these ports work only while
 * this driver runs; anyone else touching them gets #GP.
 *   +0 write(buf, n)      buf_in: send n bytes, return n
 *   +1 echo(buf, n)       buf_inout: send each byte in loopback mode and
 *                         read it back into buf; return bytes echoed, or
 *                         -E_NOSYS if not even the first byte came back
 *                         (an emulated UART without loopback: Bochs)
 */
#include "slotgate/driver.h"

#define COM2 0x2f8
#define THR 0
#define RBR 0
#define IER 1
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DATA 0x01
#define LSR_THR_EMPTY 0x20
#define MCR_LOOPBACK 0x10
#define SPIN_LIMIT 1000000 /* well inside the gate watchdog */

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static int wait_for(unsigned char bit)
{
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (inb(COM2 + LSR) & bit)
			return 1;
	return 0;
}

static long write_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	const char *s = (const char *)p;
	for (u64_t i = 0; i < n; i++) {
		if (!wait_for(LSR_THR_EMPTY))
			return (long)i;
		outb(COM2 + THR, (unsigned char)s[i]);
	}
	return (long)n;
}

static long echo_gate(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)c, (void)d, (void)e, (void)f;
	unsigned char *s = (unsigned char *)p;
	u64_t i;
	unsigned char mcr = inb(COM2 + MCR);
	outb(COM2 + MCR, mcr | MCR_LOOPBACK);
	while (inb(COM2 + LSR) & LSR_DATA) /* drain */
		(void)inb(COM2 + RBR);
	for (i = 0; i < n; i++) {
		if (!wait_for(LSR_THR_EMPTY))
			break;
		outb(COM2 + THR, s[i]);
		if (!wait_for(LSR_DATA))
			break;
		s[i] = inb(COM2 + RBR);
	}
	outb(COM2 + MCR, mcr);
	return i == 0 && n ? -E_NOSYS : (long)i;
}

long driver_init(u64_t base)
{
	outb(COM2 + IER, 0x00);
	outb(COM2 + LCR, 0x80); /* divisor latch: 115200 baud */
	outb(COM2 + 0, 0x01);
	outb(COM2 + 1, 0x00);
	outb(COM2 + LCR, 0x03); /* 8N1 */
	outb(COM2 + MCR, 0x03);
	const unsigned anyone = GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL;
	if (gate_register(base + 0, write_gate, PTR_BUF_IN, anyone) ||
	    gate_register(base + 1, echo_gate, PTR_BUF_INOUT, anyone))
		return -1;
	return 0;
}
