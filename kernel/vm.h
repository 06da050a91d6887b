/*
 * vm.h - page tables: map, unmap and query in any PML4 (pure C, host-tested).
 *
 * The module knows 4-level paging (SDM 3A §4.5) and nothing else: it never
 * flushes a TLB (the caller knows which CPU and which strategy, see
 * slots/), and it reaches tables only through the four environment hooks
 * below, which the kernel implements over pmm and the direct map and the
 * host tests over an arena.
 *
 * Invariants:
 *   - intermediate entries are P|RW, plus U/S when any user page may lie
 *     below them; the leaf entry alone decides the access rights;
 *   - in the lower half, a page table or page directory that becomes
 *     empty on unmap is freed and its parent entry cleared; in the upper
 *     half (PML4 256..511) no table is ever freed (vm.c says why); a
 *     PDPT is never freed by unmap
 *     (so a PML4 entry, once made, keeps its value: a view's slot entry
 *     and the kernel's shared upper half rely on it), only by
 *     vm_free_range();
 *   - 2 MiB mappings (VM_LARGE) are never split: mapping a 4 KiB page
 *     inside one, or unmapping part of one, is an error.
 */
#ifndef SLOTGATE_VM_H
#define SLOTGATE_VM_H

#include "types.h"

/* Page-table entry bits (SDM 3A §4.5, tables 4-15 to 4-20). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_LARGE_ADDR 0x000fffffffe00000ull

/* Mapping flags: PTE bits, with PTE_PS meaning "a 2 MiB page". */
#define VM_WRITE PTE_RW
#define VM_USER PTE_US
#define VM_GLOBAL PTE_G
#define VM_NX PTE_NX
#define VM_NOCACHE (PTE_PCD | PTE_PWT)
/* PAT entry 1: write-combining once cpu_enable_protection() ran (cpu.c),
 * write-through before; the framebuffer's mapping only. */
#define VM_WC PTE_PWT
#define VM_LARGE PTE_PS
#define VM_FLAG_MASK (PTE_RW | PTE_US | PTE_G | PTE_NX | PTE_PCD | PTE_PWT | PTE_PS)

/* Environment hooks.  Where the table at @phys can be read: in the kernel
 * the direct map, inline (every walk crosses four tables); on the host an
 * arena (tests/host/arena.c). */
#ifdef HOST_TEST
u64 *vm_table_virt(u64 phys);
#else
#include "memlayout.h"
static inline u64 *vm_table_virt(u64 phys) { return phys_to_virt(phys); }
#endif
u64 vm_table_phys(const u64 *table); /* the inverse */
u64 vm_table_alloc(void);     /* a zeroed frame for a table, or 0 */
void vm_table_free(u64 phys);

/* Map @va -> @pa (4 KiB, or 2 MiB with VM_LARGE).  0, -E_INVAL (alignment,
 * non-canonical, flags), -E_BUSY (already mapped) or -E_NOMEM. */
int vm_map(u64 *pml4, u64 va, u64 pa, u64 flags);
/* Remove the mapping at @va (the size it was mapped with); its frame in
 * *pa if @pa.  0 or -E_NOENT.  Empty tables are freed (see above). */
int vm_unmap(u64 *pml4, u64 va, u64 *pa);
/* The same, but every table stays: for address ranges that are mapped
 * and unmapped again and again (a view's windows), where freeing and
 * zeroing tables on every call would cost more than keeping them. */
int vm_clear(u64 *pml4, u64 va, u64 *pa);

struct vm_mapping {
	u64 pa;    /* physical address of @va itself (offset included) */
	u64 flags; /* leaf flags, VM_* */
	u64 size;  /* 4 KiB or 2 MiB */
};
/* Translate @va; false when not mapped. */
bool vm_query(const u64 *pml4, u64 va, struct vm_mapping *m);

/* Unmap everything under PML4 entries [first, last] and free the tables;
 * leaf frames are passed to @free_frame when it is not NULL. */
void vm_free_range(u64 *pml4, unsigned first, unsigned last,
		   void (*free_frame)(u64 pa));

/* Tables vm_map made and unmap/vm_free_range have not freed yet: frames
 * a view keeps for its lifetime, which leak checks set apart. */
u64 vm_tables_in_use(void);
/* A zeroed page-table frame, counted in vm_tables_in_use(): for a table
 * that vm_free_range() will free (a PDPT under a PML4 entry). */
u64 vm_new_table(void);

/* Index of @va in the table of @level (4 = PML4 ... 1 = PT). */
static inline unsigned vm_index(u64 va, int level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

#endif
