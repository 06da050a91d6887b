/*
 * kpt.h - the kernel's reference page tables.
 *
 * kernel_pml4 holds the upper half only: the direct map of RAM (2 MiB
 * pages where possible), the kernel image (text RX, rodata R+NX, data
 * RW+NX, all global) and the heap and MMIO regions.  Every upper-half
 * PML4 entry (256..511) is created here at boot and never changes, so the
 * per-CPU PML4s copy them once and stay coherent forever.  The lower half
 * of kernel_pml4 is always empty.
 */
#ifndef SLOTGATE_KPT_H
#define SLOTGATE_KPT_H

#include "types.h"

struct mb2_info;

extern u64 *kernel_pml4;
extern u64 kernel_pml4_phys;

/* Build kernel_pml4 and switch to it (this drops the boot tables). */
void kpt_init(const struct mb2_info *mb);
/* A new PML4 frame whose upper half is kernel_pml4's; 0 when out of memory. */
u64 kpt_new_pml4(void);

#endif
