/*
 * arena.c - fake physical memory for host tests and the vm.h environment
 * hooks over it (see arena.h).
 */
#include "arena.h"
#include "view.h"
#include "htest.h"
#include "vm.h"

#include <stdlib.h>
#include <string.h>

struct pmm_core arena_core;

static u8 *arena;
static u64 arena_frames;
static u64 bitmap[PMM_BITMAP_WORDS(ARENA_MAX_FRAMES)];

void arena_reset(u64 frames)
{
	if (frames == 0 || frames > ARENA_MAX_FRAMES)
		abort();
	if (!arena)
		arena = aligned_alloc(PAGE_SIZE, ARENA_MAX_FRAMES * PAGE_SIZE);
	if (!arena)
		abort();
	arena_frames = frames;
	memset(arena, 0xa5, frames * PAGE_SIZE);
	pmm_core_init(&arena_core, bitmap, ARENA_BASE, frames);
	pmm_core_release(&arena_core, ARENA_BASE, frames * PAGE_SIZE);
}

u64 *arena_virt(u64 phys)
{
	if (!arena || phys < ARENA_BASE ||
	    phys >= ARENA_BASE + arena_frames * PAGE_SIZE)
		return NULL;
	return (u64 *)(arena + ALIGN_DOWN(phys - ARENA_BASE, PAGE_SIZE));
}

/* memlayout.h's direct map, for uspace.c: any byte of the arena. */
void *phys_to_virt(u64 pa)
{
	u64 *frame = arena_virt(pa);
	if (!frame)
		abort(); /* a frame no test handed out */
	return (u8 *)frame + (pa & (PAGE_SIZE - 1));
}

u64 *vm_table_virt(u64 phys)
{
	u64 *t = arena_virt(phys);
	if (!t || !IS_ALIGNED(phys, PAGE_SIZE))
		abort(); /* vm.c followed an entry that is not one of its tables */
	return t;
}

u64 vm_table_phys(const u64 *table)
{
	return ARENA_BASE + (u64)((const u8 *)table - arena);
}

u64 vm_table_alloc(void)
{
	u64 pa = pmm_core_alloc(&arena_core);
	if (pa)
		memset(vm_table_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void vm_table_free(u64 phys) { CHECK_EQ(pmm_core_free(&arena_core, phys), 0); }

/* view.h's kernel hook: the host has no TSS, and no view in the host tests
 * has I/O ports. */
void view_switch_ports(struct slot_cpu *c, struct view *from, struct view *to)
{
	(void)c, (void)from, (void)to;
}

/* view.h's SMP hooks: the host tests run one CPU, the one they pass in;
 * a call on another CPU runs here (tests/host/test_tlb_model.c gives the
 * model several CPUs through these). */
struct slot_cpu *(*arena_slot_cpu_at)(unsigned i);

struct slot_cpu *slot_cpu_at(unsigned i)
{
	return arena_slot_cpu_at ? arena_slot_cpu_at(i) : NULL;
}

void (*arena_slot_cpu_call)(struct slot_cpu *c,
			    void (*fn)(struct slot_cpu *, struct view *, u64),
			    struct view *v, u64 va);

void slot_cpu_call(struct slot_cpu *c, void (*fn)(struct slot_cpu *, struct view *, u64),
		   struct view *v, u64 va)
{
	if (arena_slot_cpu_call)
		arena_slot_cpu_call(c, fn, v, va);
	else
		fn(c, v, va);
}
