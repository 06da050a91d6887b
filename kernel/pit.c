/* pit.c - PIT channel 2 as a one-shot reference clock (pit.h). */
#include "pit.h"
#include "arch/x86.h"

#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_OUT2 0x20

/* How long a wait may take before the PIT is declared dead.  The TSC rate
 * is not known yet when the PIT calibrates it, so the bound assumes the
 * fastest TSC anyone ships, with room: 20 GHz, i.e. 20,000,000 ticks per
 * millisecond, times 4.  A TSC that does not move at all is caught by the
 * poll count instead: no port read takes less than about 10 ns, so
 * 400,000 polls per millisecond is past every real wait as well. */
#define TSC_BOUND_PER_MS (4ull * 20000000ull)
#define POLL_BOUND_PER_MS 400000ull

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
	u64 start = rdtsc(), tsc_bound = TSC_BOUND_PER_MS * ms;
	u64 poll_bound = POLL_BOUND_PER_MS * ms;
	for (u64 polls = 0; !(inb(PORT_B) & PORT_B_OUT2); polls++) {
		if (polls > poll_bound || rdtsc() - start > tsc_bound)
			return false; /* gated off, or not counting */
		pause();
	}
	return true;
}

/* The least of three: anything between the first TSC read and the
 * count's start (an SMI; a host that deschedules an emulator's vCPU) only
 * lengthens a measurement. */
u64 pit_measure_tsc_hz(void)
{
	const unsigned ms = 20;
	u64 best = 0;
	for (int i = 0; i < 3; i++) {
		u64 start = rdtsc();
		if (!pit_wait_ms(ms))
			return 0;
		u64 hz = (rdtsc() - start) * (1000 / ms);
		best = !best || hz < best ? hz : best;
	}
	return best;
}
