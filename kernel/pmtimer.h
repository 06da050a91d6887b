/*
 * pmtimer.h - the ACPI power-management timer (ACPI 6.5 §4.8.3.3): a free
 * running 24- or 32-bit counter at 3.579545 MHz at the I/O port the FADT
 * names.  A second known clock, for boards and hypervisors without an
 * 8254 PIT; polled, every wait bounded.
 */
#ifndef SLOTGATE_PMTIMER_H
#define SLOTGATE_PMTIMER_H

#include "types.h"

#define PMTIMER_HZ 3579545u

/* The FADT's timer (acpi.h); port 0: none. */
void pmtimer_init(u16 port, bool is_32bit);
bool pmtimer_present(void);
/* Busy-wait @ms milliseconds (at most 1000); false when there is no
 * timer or it did not advance that far within a TSC and a poll bound. */
bool pmtimer_wait_ms(unsigned ms);

#endif
