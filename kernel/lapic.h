/*
 * lapic.h - the local APIC (xAPIC MMIO mode) and its timer.
 *
 * The timer runs periodic at LAPIC_TIMER_HZ on VEC_TIMER once started;
 * its rate is calibrated against the PIT.  Every interrupt handler's
 * return path sends the EOI (trap.c).
 */
#ifndef SLOTGATE_LAPIC_H
#define SLOTGATE_LAPIC_H

#include "types.h"

#define LAPIC_TIMER_HZ 100

void lapic_init(void);
u32 lapic_id(void);
void lapic_eoi(void);
void lapic_timer_start(void);
void lapic_timer_stop(void);
/* Timer interrupts taken on this CPU since boot. */
u64 lapic_ticks(void);

#endif
