/* heap.c - size classes for small objects, mapped pages for large ones. */
#include "heap.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"
#include "pmm.h"
#include "vm.h"
#include "arch/x86.h"

#define MIN_CLASS_SHIFT 4 /* 16 bytes */
#define CLASS_COUNT 8     /* 16 .. 2048 */
#define HEADER 16         /* size word, padded to keep 16-byte alignment */

struct free_object {
	struct free_object *next;
};

static struct free_object *free_lists[CLASS_COUNT];
static u64 cached_frames, live_objects;
static u64 large_next = KERNEL_HEAP_BASE;

extern u64 *kernel_pml4; /* main.c: the kernel's reference page tables */

static int class_of(size_t total)
{
	int c = 0;
	while ((16ull << c) < total)
		c++;
	return c;
}

static bool refill(int c)
{
	u64 frame = pmm_alloc();
	if (!frame)
		return false;
	cached_frames++;
	u64 size = 16ull << c;
	u8 *base = phys_to_virt(frame);
	for (u64 off = 0; off + size <= PAGE_SIZE; off += size) {
		struct free_object *o = (struct free_object *)(base + off);
		o->next = free_lists[c];
		free_lists[c] = o;
	}
	return true;
}

static void *alloc_large(size_t size)
{
	u64 pages = ALIGN_UP(size + HEADER, PAGE_SIZE) / PAGE_SIZE;
	u64 va = large_next;

	if (va + (pages + 1) * PAGE_SIZE > KERNEL_HEAP_BASE + KERNEL_HEAP_SIZE)
		return NULL;
	for (u64 i = 0; i < pages; i++) {
		u64 f = pmm_alloc();
		if (!f || vm_map(kernel_pml4, va + i * PAGE_SIZE, f,
				 VM_WRITE | VM_NX | VM_GLOBAL) != 0) {
			if (f)
				pmm_free(f);
			while (i--) {
				u64 pa;
				vm_unmap(kernel_pml4, va + i * PAGE_SIZE, &pa);
				invlpg(va + i * PAGE_SIZE);
				pmm_free(pa);
			}
			return NULL;
		}
	}
	large_next += (pages + 1) * PAGE_SIZE; /* one unmapped guard page */
	*(u64 *)va = pages << PAGE_SHIFT;
	return (u8 *)va + HEADER;
}

void *kmalloc(size_t size)
{
	void *p;
	if (size > HEAP_SMALL_MAX) {
		p = alloc_large(size);
	} else {
		int c = class_of(size + HEADER);
		if (!free_lists[c] && !refill(c))
			return NULL;
		struct free_object *o = free_lists[c];
		free_lists[c] = o->next;
		*(u64 *)o = (u64)c;
		p = (u8 *)o + HEADER;
	}
	if (p)
		live_objects++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

static void free_large(u64 va, u64 bytes)
{
	for (u64 off = 0; off < bytes; off += PAGE_SIZE) {
		u64 pa;
		BUG_ON(vm_unmap(kernel_pml4, va + off, &pa) != 0);
		/* The heap is shared by every view: drop the global entry too. */
		invlpg(va + off);
		pmm_free(pa);
	}
}

void kfree(void *p)
{
	if (!p)
		return;
	u8 *obj = (u8 *)p - HEADER;
	u64 word = *(u64 *)obj;
	live_objects--;
	if ((u64)obj >= KERNEL_HEAP_BASE) {
		free_large((u64)obj, word);
		return;
	}
	BUG_ON(word >= CLASS_COUNT);
	struct free_object *o = (struct free_object *)obj;
	o->next = free_lists[word];
	free_lists[word] = o;
}

u64 heap_live_objects(void) { return live_objects; }
u64 heap_cached_frames(void) { return cached_frames; }
