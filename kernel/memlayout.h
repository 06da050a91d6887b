/*
 * memlayout.h - the virtual memory map (docs/memory-map.md) and the
 * slot/selector address arithmetic of SPEC §1.  Pure: host-tested.
 *
 *   PML4 0          application slot (selector 0 = first 4 GiB inside it)
 *   PML4 1..255     one 512 GiB slot per driver
 *   PML4 256        direct map of all physical memory
 *   PML4 384        kernel heap
 *   PML4 400        MMIO (LAPIC; the framebuffer at FB_VIRT_BASE)
 *   PML4 511        kernel image at -2 GiB (-mcmodel=kernel)
 *
 * Upper-half PML4 entries (256..511) are all created at boot and never
 * change afterwards, so a copy of them in any PML4 stays coherent.
 */
#ifndef SLOTGATE_MEMLAYOUT_H
#define SLOTGATE_MEMLAYOUT_H

#include "types.h"

#define PML4_SHIFT 39
#define SLOT_SIZE (1ull << PML4_SHIFT) /* 512 GiB */
#define SELECTOR_SHIFT 32
#define SELECTOR_SIZE (1ull << SELECTOR_SHIFT) /* 4 GiB */
#define SELECTORS_PER_SLOT (SLOT_SIZE / SELECTOR_SIZE) /* 128 */

#define APP_SLOT 0
#define FIRST_DRIVER_SLOT 1
#define LAST_DRIVER_SLOT 255
#define KERNEL_FIRST_PML4 256

#define DIRECT_MAP_BASE 0xffff800000000000ull
#define KERNEL_HEAP_BASE 0xffffc00000000000ull
#define KERNEL_HEAP_SIZE (64ull << 30)
#define MMIO_BASE 0xffffc80000000000ull
#define FB_VIRT_BASE (MMIO_BASE + (1ull << 30)) /* the framebuffer console's */
#define FB_VIRT_MAX (1ull << 30)                /* the most of it mapped */
#define KERNEL_VMA 0xffffffff80000000ull

#define USER_TOP 0x0000800000000000ull /* end of the lower half */

/* The application image lives in selector 0 (the legacy 4 GiB world). */
#define APP_IMAGE_LO 0x0000000000400000ull
#define APP_IMAGE_HI 0x0000000100000000ull
#define APP_STACK_TOP 0x0000007ffffff000ull /* last page of slot 0 is a guard */
#define APP_HEAP_BASE 0x0000000100000000ull /* selector 1 */
#define APP_HEAP_MAX_PAGES 16384            /* 64 MiB */
#define APP_STACK_PAGES 8

static inline unsigned pml4_index(u64 va) { return (unsigned)((va >> PML4_SHIFT) & 511); }
static inline u64 slot_base(unsigned slot) { return (u64)slot << PML4_SHIFT; }
static inline unsigned addr_slot(u64 va) { return pml4_index(va); }

/* Selector analogue: bits 47..32 of a lower-half address (SPEC §1). */
static inline unsigned addr_selector(u64 va) { return (unsigned)((va >> SELECTOR_SHIFT) & 0xffff); }
static inline u32 addr_offset(u64 va) { return (u32)va; }
static inline u64 selector_addr(unsigned selector, u32 offset)
{
	return ((u64)selector << SELECTOR_SHIFT) | offset;
}
static inline unsigned selector_slot(unsigned selector) { return selector / SELECTORS_PER_SLOT; }
static inline unsigned slot_first_selector(unsigned slot) { return slot * SELECTORS_PER_SLOT; }

/* Bits 63..47 all equal (SDM 3A §3.3.7.1). */
static inline bool is_canonical(u64 va)
{
	i64 s = (i64)(va << 16) >> 16;
	return (u64)s == va;
}
static inline bool is_user_addr(u64 va) { return va < USER_TOP; }

/* [va, va+len) lies in the lower half without wrapping. */
static inline bool user_range_ok(u64 va, u64 len)
{
	return va + len >= va && va + len <= USER_TOP;
}

/* The direct map; on the host (HOST_TEST) an arena of fake physical
 * memory stands for it (tests/host/arena.c), so kernel/uspace.c runs
 * unchanged there. */
#ifdef HOST_TEST
void *phys_to_virt(u64 pa);
#else
static inline void *phys_to_virt(u64 pa) { return (void *)(pa + DIRECT_MAP_BASE); }
#endif
static inline u64 direct_virt_to_phys(const void *p) { return (u64)p - DIRECT_MAP_BASE; }
static inline u64 kernel_virt_to_phys(const void *p) { return (u64)p - KERNEL_VMA; }

#endif
