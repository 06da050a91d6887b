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

/* Busy-wait @ms milliseconds (at most 50) on PIT channel 2.  false when
 * the PIT did not behave like one: OUT2 already high after the count was
 * loaded (nothing answers at port 0x61 and it reads 0xff), or never high
 * within a bound of TSC ticks or polls far past @ms. */
bool pit_wait_ms(unsigned ms);
/* TSC ticks per second measured over a PIT interval; 0 when the PIT
 * failed (pit_wait_ms). */
u64 pit_measure_tsc_hz(void);

#endif
