/*
 * pmm.h - the physical frame allocator.
 *
 * pmm_core is the pure part (a bitmap over a frame range, host-tested);
 * pmm.c builds the boot CPU's allocator from the multiboot2 memory map,
 * reserving the kernel image, the boot information, the modules and
 * everything below 1 MiB.
 *
 * Invariants: a frame is either free or handed out, never both; freeing a
 * frame that is not handed out is a kernel bug (pmm_free panics, the core
 * returns an error); pmm_allocated() is the number of frames handed out
 * and not yet freed, so a test compares it before and after to find leaks.
 */
#ifndef SLOTGATE_PMM_H
#define SLOTGATE_PMM_H

#include "types.h"

struct pmm_core {
	u64 *bitmap;     /* 1 bit per frame, 1 = in use */
	u64 base;        /* physical address of frame 0 */
	u64 frames;      /* frames covered */
	u64 free;        /* frames free now */
	u64 allocated;   /* frames handed out by alloc and not freed */
	u64 next;        /* search hint: lowest frame that may be free */
};

/* Bitmap words needed for @frames frames. */
#define PMM_BITMAP_WORDS(frames) (((frames) + 63) / 64)

/* Everything starts in use; free the usable ranges with pmm_core_release. */
void pmm_core_init(struct pmm_core *p, u64 *bitmap, u64 base, u64 frames);
/* Mark the whole frames inside [start, start+len) free (boot time). */
void pmm_core_release(struct pmm_core *p, u64 start, u64 len);
/* Mark every frame touching [start, start+len) in use (boot time). */
void pmm_core_reserve(struct pmm_core *p, u64 start, u64 len);
/* Lowest free frame's address, or 0 when none is left. */
u64 pmm_core_alloc(struct pmm_core *p);
/* 0, or -E_INVAL for an address outside the range, unaligned or not in use. */
int pmm_core_free(struct pmm_core *p, u64 phys);

/*
 * For the exhaustion tests (tests/kernel/test_exhaust.c): take every free
 * frame among the first @words * 64 at once, marking each in @mine, and
 * give back every frame marked in @mine, clearing every mark.  How many.
 * A frame taken so is neither zeroed nor touched.  @mine may mark only
 * frames take_all gave: a marked frame freed meanwhile is skipped, but
 * one freed and handed to someone else would be taken from them.
 */
u64 pmm_core_take_all(struct pmm_core *p, u64 *mine, u64 words);
u64 pmm_core_give_back_marked(struct pmm_core *p, u64 *mine, u64 words);

/* The kernel's allocator. */
struct mb2_info;
void pmm_init(const struct mb2_info *mb, u64 info_phys, u64 info_size);
u64 pmm_alloc(void);             /* a zeroed frame, or 0 */
/* A frame as it was left (not zeroed), or 0: only for frames that are
 * never mapped anywhere (the exhaustion tests: frames above what their
 * pmm_take_all bitmap covers). */
u64 pmm_alloc_unzeroed(void);
/* pmm_core_take_all / pmm_core_give_back_marked on the kernel's allocator. */
u64 pmm_take_all(u64 *mine, u64 words);
u64 pmm_give_back_marked(u64 *mine, u64 words);
void pmm_free(u64 phys);
u64 pmm_allocated(void);
u64 pmm_free_frames(void);
u64 pmm_total_frames(void);

#endif
