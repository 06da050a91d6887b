/*
 * arena.h - "physical memory" for host tests.
 *
 * One aligned block of host memory stands for physical frames starting at
 * ARENA_BASE, handed out by the real pmm_core (kernel/pmm_core.c).  arena.c
 * implements the four vm.h environment hooks over it, and memlayout.h's
 * phys_to_virt() (the direct map), so kernel/vm.c, kernel/uspace.c and
 * slots/view.c run unchanged on the host (test_memory.c, test_uspace.c,
 * test_tlb_model.c, fuzz/fuzz_uspace.c).
 */
#ifndef SLOTGATE_ARENA_H
#define SLOTGATE_ARENA_H

#include "pmm.h"
#include "types.h"

#define ARENA_BASE 0x100000ull /* pretend physical address of frame 0 */
#define ARENA_MAX_FRAMES 4096

/* The allocator over the arena; tests read .allocated to find leaks. */
extern struct pmm_core arena_core;

/* (Re)start with @frames (1..ARENA_MAX_FRAMES) free frames filled with
 * junk (0xa5), none handed out. */
void arena_reset(u64 frames);

/* view.h's SMP hooks (slot_cpu_at, slot_cpu_call) ask these when set; by
 * default the host has one CPU and a call runs in place. */
struct slot_cpu;
struct view;
extern struct slot_cpu *(*arena_slot_cpu_at)(unsigned i);
extern void (*arena_slot_cpu_call)(struct slot_cpu *c,
				   void (*fn)(struct slot_cpu *, struct view *, u64),
				   struct view *v, u64 va);

/* The host address of the frame holding @phys, or NULL when @phys is not
 * in the arena (unlike vm_table_virt(), which aborts). */
u64 *arena_virt(u64 phys);

#endif
