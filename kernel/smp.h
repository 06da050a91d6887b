/*
 * smp.h - the other CPUs: found in the ACPI MADT, started by INIT-SIPI-SIPI
 * from a trampoline (boot/ap_trampoline.asm), and reached by cross-calls
 * (issue 13, docs/smp.md).
 *
 * Each CPU has its own struct cpu (percpu.h) with its own PML4, GDT, TSS,
 * IST stacks and GS base; the IDT and the kernel's upper half are shared.
 * The BSP is cpus[0].  A CPU that does not answer its start-up is
 * reported and left out; the boot goes on.
 *
 * Every AP runs the scheduler on its own run queue (thread.h) under the
 * big kernel lock (bkl.h), its idle thread halting when nothing is ready.
 * A cross-call runs a function on another CPU in its interrupt handler,
 * with interrupts off and without the big kernel lock, and the caller
 * waits for it (bounded).
 */
#ifndef SLOTGATE_SMP_H
#define SLOTGATE_SMP_H

#include "types.h"

#define SMP_MAX_CPUS 8 /* VIEW_MAX_CPUS: a view keeps a PCID per CPU */
#define VEC_CALL 0xf0 /* cross-call IPI */
#define VEC_WAKE 0xf1 /* wake a halted CPU: its handler does nothing */

struct acpi_info;
struct cpu;
struct mb2_info;

/* Parse the ACPI tables (acpi.h) once, early: the PM timer is a clock
 * cpu_measure_tsc() and lapic_init() may need, the MADT's NMI entries
 * every LAPIC's set-up; smp_init() reads the MADT's CPU list. */
void smp_read_acpi(const struct mb2_info *mb);
/* What smp_read_acpi() parsed, read-only; NULL when the tables were
 * missing or refused.  Not to be called before smp_read_acpi(). */
const struct acpi_info *smp_acpi_info(void);
/* Find the CPUs (ACPI MADT through the multiboot2 RSDP) and start every
 * one but the BSP; prints what it found and started. */
void smp_init(const struct mb2_info *mb);

/* CPUs running (the BSP included), and how many the MADT listed. */
unsigned smp_cpus_online(void);
unsigned smp_cpus_found(void);
/* Online CPU @i (0 = the BSP), NULL past the last. */
struct cpu *smp_cpu(unsigned i);

/* Run @fn(@arg) on @cpu and wait for it to finish: 0, -E_INVAL (not an
 * online CPU, or this one) or -E_BUSY (it did not answer in time). */
int smp_call(struct cpu *cpu, void (*fn)(void *), void *arg);
/* Run the cross-call waiting for this CPU, if any: from its IPI, and
 * from every loop that spins with IF = 0 (bkl_wait, smp_call). */
void smp_serve_calls(void);
/* Interrupt @cpu out of HLT (a thread was queued for it). */
void smp_wake(struct cpu *cpu);

#endif
