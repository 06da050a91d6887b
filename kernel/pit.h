/*
 * pit.h - the 8254 PIT, used only as a known clock to calibrate others
 * (channel 2, gated by port 0x61, polled; no interrupts).
 *
 * Every poll is bounded: a board whose 8254 is gated off or absent (or a
 * hypervisor started without one: QEMU -machine pit=off) makes the wait
 * fail, never spin for ever.
 */
#ifndef SLOTGATE_PIT_H
#define SLOTGATE_PIT_H

#include "types.h"

#define PIT_HZ 1193182u

/* How long a wait on a reference clock (this one, the ACPI PM timer) may
 * take before the clock is declared dead.  The TSC rate is not known yet
 * when these calibrate it, so the bound assumes the fastest TSC anyone
 * ships, with room: 20 GHz, i.e. 20,000,000 ticks per millisecond, times
 * 4.  A TSC that does not move at all is caught by the poll count
 * instead: no port read takes less than about 10 ns, so 400,000 polls per
 * millisecond is past every real wait as well. */
#define CLOCK_WAIT_TSC_PER_MS (4ull * 20000000ull)
#define CLOCK_WAIT_POLLS_PER_MS 400000ull

/* Busy-wait @ms milliseconds (at most 50) on PIT channel 2.  false when
 * the PIT did not behave like one: OUT2 already high after the count was
 * loaded (nothing answers at port 0x61 and it reads 0xff), or never high
 * within a bound of TSC ticks or polls far past @ms. */
bool pit_wait_ms(unsigned ms);

#endif
