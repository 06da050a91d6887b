/* pmm.c - the kernel's frame allocator over the multiboot2 memory map. */
#include "pmm.h"
#include "kernel.h"
#include "kstring.h"
#include "mb2.h"
#include "memlayout.h"
#include "vm.h"

extern char __kernel_start[], __kernel_end[];

static struct pmm_core pmm;

/* The boot page tables map the first 4 GiB; the bitmap must lie there. */
#define BOOT_DIRECT_MAP_LIMIT (4ull << 30)

static u64 highest_usable(const struct mb2_info *mb)
{
	u64 top = 0;
	for (size_t i = 0; i < mb->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &mb->mmap[i];
		if (e->type == MB2_MEM_AVAILABLE)
			top = MAX(top, e->base + e->length);
	}
	return top;
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* First page-aligned spot of @size bytes in available memory that avoids
 * the kernel, the boot information and the modules. */
static u64 place_bitmap(const struct mb2_info *mb, u64 size, u64 info_phys,
			u64 info_size)
{
	u64 kstart = kernel_virt_to_phys(__kernel_start);
	u64 kend = kernel_virt_to_phys(__kernel_end);

	for (size_t i = 0; i < mb->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &mb->mmap[i];
		if (e->type != MB2_MEM_AVAILABLE)
			continue;
		u64 at = ALIGN_UP(MAX(e->base, 1ull << 20), PAGE_SIZE);
		while (at + size <= e->base + e->length &&
		       at + size <= BOOT_DIRECT_MAP_LIMIT) {
			u64 clash = 0;
			if (overlaps(at, size, kstart, kend - kstart))
				clash = kend;
			else if (overlaps(at, size, info_phys, info_size))
				clash = info_phys + info_size;
			for (size_t m = 0; !clash && m < mb->module_count; m++) {
				const struct mb2_module *mod = &mb->modules[m];
				if (overlaps(at, size, mod->start,
					     mod->end - mod->start))
					clash = mod->end;
			}
			if (!clash)
				return at;
			at = ALIGN_UP(clash, PAGE_SIZE);
		}
	}
	panic("no room for the frame bitmap (%lu bytes)", size);
}

void pmm_init(const struct mb2_info *mb, u64 info_phys, u64 info_size)
{
	u64 frames = highest_usable(mb) / PAGE_SIZE;
	u64 bytes = ALIGN_UP(PMM_BITMAP_WORDS(frames) * sizeof(u64), PAGE_SIZE);
	u64 bitmap = place_bitmap(mb, bytes, info_phys, info_size);

	pmm_core_init(&pmm, phys_to_virt(bitmap), 0, frames);
	for (size_t i = 0; i < mb->mmap_count; i++)
		if (mb->mmap[i].type == MB2_MEM_AVAILABLE)
			pmm_core_release(&pmm, mb->mmap[i].base,
					 mb->mmap[i].length);
	pmm_core_reserve(&pmm, 0, 1ull << 20); /* BIOS, EBDA, real-mode world */
	pmm_core_reserve(&pmm, kernel_virt_to_phys(__kernel_start),
			 (u64)(__kernel_end - __kernel_start));
	pmm_core_reserve(&pmm, info_phys, info_size);
	for (size_t m = 0; m < mb->module_count; m++)
		pmm_core_reserve(&pmm, mb->modules[m].start,
				 mb->modules[m].end - mb->modules[m].start);
	pmm_core_reserve(&pmm, bitmap, bytes);
}

u64 pmm_alloc(void)
{
	u64 pa = pmm_core_alloc(&pmm);
	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

u64 pmm_alloc_unzeroed(void) { return pmm_core_alloc(&pmm); }
u64 pmm_take_all(u64 *mine, u64 words) { return pmm_core_take_all(&pmm, mine, words); }
u64 pmm_give_back_marked(u64 *mine, u64 words)
{
	return pmm_core_give_back_marked(&pmm, mine, words);
}

void pmm_free(u64 phys)
{
	if (pmm_core_free(&pmm, phys) != 0)
		panic("pmm_free(0x%lx): not an allocated frame", phys);
}

u64 pmm_allocated(void) { return pmm.allocated; }
u64 pmm_free_frames(void) { return pmm.free; }
u64 pmm_total_frames(void) { return pmm.frames; }

/* vm.h environment hooks: tables are frames reached by the direct map. */
u64 vm_table_phys(const u64 *table) { return direct_virt_to_phys(table); }
u64 vm_table_alloc(void) { return pmm_alloc(); }
void vm_table_free(u64 phys) { pmm_free(phys); }
