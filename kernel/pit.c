/* pit.c - PIT channel 2 as a one-shot reference clock (pit.h). */
#include "pit.h"
#include "arch/x86.h"

#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_OUT2 0x20

bool pit_wait_ms(unsigned ms)
{
	u32 count = PIT_HZ * ms / 1000;

	/* Gate on, speaker off; mode 0 (interrupt on terminal count) on ch 2.
	 * In mode 0 OUT goes low when the control word is written and high
	 * when the count reaches zero (8254 data sheet, mode 0). */
	outb(PORT_B, (u8)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, (u8)count);
	outb(PIT_CH2, (u8)(count >> 8));
	/* OUT2 is port 0x61 bit 5.  High at once: no 8254 there (an empty
	 * ISA port reads 0xff), so the wait would end at once and every rate
	 * measured against it would be garbage. */
	if (inb(PORT_B) & PORT_B_OUT2)
		return false;
	u64 start = rdtsc(), tsc_bound = CLOCK_WAIT_TSC_PER_MS * ms;
	u64 poll_bound = CLOCK_WAIT_POLLS_PER_MS * ms;
	for (u64 polls = 0; !(inb(PORT_B) & PORT_B_OUT2); polls++) {
		if (polls > poll_bound || rdtsc() - start > tsc_bound)
			return false; /* gated off, or not counting */
		pause();
	}
	return true;
}
