/*
 * malloc.c - the ring-3 runtime's allocator (app.h): first fit over one
 * free list kept in address order, so free() merges a block with both
 * neighbours.  Every block starts with a 16-byte header (its size) and is
 * a multiple of 16 bytes, so payloads are 16-byte aligned.  The heap grows
 * by whole pages through heap_grow() (at least GROW_MIN at a time); the
 * kernel maps them at the end of the heap, so a new run merges with a
 * free block ending there.  Nothing is given back to the kernel.
 *
 * Drivers only for now: an application's heap_grow gets -E_PERM.  Several
 * threads may be inside a driver, so a spin lock guards the list.
 */
#include "slotgate/app.h"

#define PAGE 4096ul
#define GROW_MIN 4ul
#define ALLOC_MAX (1ul << 32) /* larger than any heap: refuse at once */

struct blk {
	u64_t size;       /* bytes, this header included */
	struct blk *next; /* free blocks only: the next one up */
};

static struct blk *free_list;
static char *heap_end; /* of the pages heap_grow gave so far */
static volatile char lock;

static void take(void)
{
	while (__atomic_test_and_set(&lock, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
}

static void give(void)
{
	__atomic_clear(&lock, __ATOMIC_RELEASE);
}

static int adjacent(struct blk *a, struct blk *b)
{
	return (char *)a + a->size == (char *)b;
}

/* Put @b into the free list, merged with the free blocks around it. */
static void insert(struct blk *b)
{
	struct blk *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	b->next = next;
	if (next && adjacent(b, next)) {
		b->size += next->size;
		b->next = next->next;
	}
	if (!prev) {
		free_list = b;
	} else if (adjacent(prev, b)) {
		prev->size += b->size;
		prev->next = b->next;
	} else {
		prev->next = b;
	}
}

/* Take @need bytes from the first free block that has them, or NULL. */
static struct blk *take_fit(u64_t need)
{
	for (struct blk **pp = &free_list, *b; (b = *pp); pp = &b->next) {
		if (b->size < need)
			continue;
		if (b->size - need >= 2 * sizeof(struct blk)) {
			struct blk *rest = (struct blk *)((char *)b + need);
			rest->size = b->size - need;
			rest->next = b->next;
			*pp = rest;
			b->size = need;
		} else {
			*pp = b->next;
		}
		return b;
	}
	return NULL;
}

void *malloc(size_t n)
{
	u64_t need = ((n + 15) & ~15ul) + sizeof(struct blk);
	struct blk *b;

	if (n == 0 || n > ALLOC_MAX)
		return NULL;
	take();
	while (!(b = take_fit(need))) {
		u64_t want = need, exact, pages;
		long p;
		for (b = free_list; b && b->next; b = b->next)
			;
		if (b && (char *)b + b->size == heap_end)
			want -= b->size; /* the new pages extend that block */
		exact = (want + PAGE - 1) / PAGE;
		pages = exact < GROW_MIN ? GROW_MIN : exact;
		p = heap_grow(pages);
		if (p < 0 && pages > exact) /* near the heap's limit */
			p = heap_grow(pages = exact);
		if (p < 0) {
			b = NULL;
			break;
		}
		b = (struct blk *)p;
		b->size = pages * PAGE;
		heap_end = (char *)b + b->size;
		insert(b);
	}
	give();
	return b ? b + 1 : NULL;
}

void free(void *p)
{
	if (!p)
		return;
	take();
	insert((struct blk *)p - 1);
	give();
}
