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
/* Physical address of the LAPIC registers (IA32_APIC_BASE). */
u64 lapic_phys(void);
/* An application processor's LAPIC, set up as lapic_init() sets the
 * BSP's (the timer is not started). */
void lapic_init_ap(void);
/* Interprocessor interrupts (SDM 3A §11.6): INIT, STARTUP with the page
 * number of the start address, and a fixed @vector.  false when the
 * LAPIC did not send it in time. */
bool lapic_send_init(u32 apic_id);
bool lapic_send_startup(u32 apic_id, u8 page);
bool lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_eoi(void);
void lapic_timer_start(void);
void lapic_timer_stop(void);
/* Timer interrupts taken on this CPU since boot. */
u64 lapic_ticks(void);

#endif
