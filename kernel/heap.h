/*
 * heap.h - the kernel heap.
 *
 * Small objects (up to HEAP_SMALL_MAX bytes) come from power-of-two size
 * classes carved out of frames reached through the direct map; larger
 * ones get their own pages mapped in the heap region.  Every object is
 * 16-byte aligned.  Frames the heap keeps on its size-class free lists
 * are counted apart (heap_cached_frames) so a leak check can subtract
 * them (page tables are counted by vm_tables_in_use()).
 */
#ifndef SLOTGATE_HEAP_H
#define SLOTGATE_HEAP_H

#include "types.h"

#define HEAP_SMALL_MAX 2032

void *kmalloc(size_t size);  /* NULL when out of memory */
void *kzalloc(size_t size);
void kfree(void *p);         /* NULL is ignored */

u64 heap_live_objects(void);
u64 heap_cached_frames(void);

#endif
