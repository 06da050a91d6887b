/*
 * lapic.h - the local APIC and its timer.
 *
 * xAPIC (MMIO) mode, or x2APIC (MSR) mode when firmware handed over with
 * IA32_APIC_BASE.EXTD set; the APs follow the BSP's mode.  The timer runs
 * periodic at LAPIC_TIMER_HZ on VEC_TIMER once started; its rate is the
 * core crystal clock where CPUID 0x15 gives it and a measurement agrees,
 * else measured against the TSC (whose rate cpu_measure_tsc() found
 * first, from CPUID or the PIT); an implausible rate stops the kernel.
 * Every interrupt handler's return path sends the EOI (trap.c).  NMIs
 * arrive on the LINT pin(s) the MADT names for each CPU (LINT1 where it
 * names none: acpi.h), the other LINT pin masked.
 */
#ifndef SLOTGATE_LAPIC_H
#define SLOTGATE_LAPIC_H

#include "types.h"

#define LAPIC_TIMER_HZ 100

/* fw_x2apic=1 on the command line: switch the BSP's LAPIC to x2APIC mode
 * before lapic_init(), as firmware may leave it (a test of that path). */
void lapic_firmware_x2apic(void);
/* Needs the TSC rate (cpu_measure_tsc()). */
void lapic_init(void);
/* The LAPICs run in x2APIC mode. */
bool lapic_x2apic(void);
/* EOI every interrupt left in service (bounded); how many there were. */
unsigned lapic_clear_in_service(void);
/* @vector's in-service bit. */
bool lapic_in_service(u8 vector);
u32 lapic_id(void);
/* Physical address of the LAPIC registers (IA32_APIC_BASE). */
u64 lapic_phys(void);
/* An application processor's LAPIC, set up as lapic_init() sets the
 * BSP's (the timer is not started).  Both deliver NMIs from the LINT
 * pin(s) acpi_nmi_pins() gives for this CPU's APIC ID, in the MADT that
 * smp_read_acpi() parsed (which must come first), every other LINT pin
 * masked; the BSP logs the answer and its source, an AP only where its
 * own differs. */
void lapic_init_ap(void);
/* This CPU's LVT LINT0 (@pin 0) or LINT1 (@pin 1) register, for tests. */
u32 lapic_lvt_lint(unsigned pin);
/* Whether an IPI can name the CPU with APIC ID @apic_id as its one
 * destination, with the LAPICs in x2APIC mode or not.  xAPIC: the ICR's
 * destination is 8 bits (SDM 3A §11.6.1), and 0xFF there is the broadcast
 * to all (§11.6.2.1), so only IDs up to 0xFE; x2APIC: all 32 bits
 * (§11.12.9, §11.12.10), 0xFFFFFFFF being the broadcast.  Pure. */
static inline bool lapic_id_addressable(u32 apic_id, bool x2apic)
{
	return x2apic ? apic_id != 0xffffffffu : apic_id < 0xffu;
}
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
