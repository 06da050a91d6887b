/* pit.c - PIT channel 2 as a one-shot reference clock. */
#include "pit.h"
#include "arch/x86.h"

#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61

void pit_wait_ms(unsigned ms)
{
	u32 count = PIT_HZ * ms / 1000;

	/* Gate on, speaker off; mode 0 (interrupt on terminal count) on ch 2. */
	outb(PORT_B, (u8)((inb(PORT_B) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, (u8)count);
	outb(PIT_CH2, (u8)(count >> 8));
	/* OUT2 (port 0x61 bit 5) goes high when the count reaches zero. */
	while (!(inb(PORT_B) & 0x20))
		pause();
}

u64 pit_measure_tsc_hz(void)
{
	const unsigned ms = 20;
	u64 start = rdtsc();
	pit_wait_ms(ms);
	return (rdtsc() - start) * (1000 / ms);
}
