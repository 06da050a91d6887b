/*
 * pit.h - the 8254 PIT, used only as a known clock to calibrate others
 * (channel 2, gated by port 0x61, polled; no interrupts).
 */
#ifndef SLOTGATE_PIT_H
#define SLOTGATE_PIT_H

#include "types.h"

#define PIT_HZ 1193182u

/* Busy-wait @ms milliseconds (at most 50) on PIT channel 2. */
void pit_wait_ms(unsigned ms);
/* TSC ticks per second measured over a PIT interval. */
u64 pit_measure_tsc_hz(void);

#endif
