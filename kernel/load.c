/* load.c - an ELF image's segments into a view (see load.h). */
#include "load.h"
#include "errno.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "view.h"
#include "vm.h"

static u64 segment_flags(u32 elf_flags)
{
	u64 f = VM_USER;
	if (elf_flags & ELF_SEG_W)
		f |= VM_WRITE;
	if (!(elf_flags & ELF_SEG_X))
		f |= VM_NX;
	return f;
}

/* Page @page (image address) of segment @s: the file bytes in it, the
 * rest zero, as memsz > filesz requires. */
static int load_page(struct view *v, const u8 *image, const struct elf_segment *s,
		     u64 page, u64 base)
{
	u64 frame = pmm_alloc();
	if (!frame)
		return -E_NOMEM;
	u64 lo = MAX(page, s->vaddr), hi = MIN(page + PAGE_SIZE, s->vaddr + s->filesz);
	if (lo < hi)
		memcpy((u8 *)phys_to_virt(frame) + (lo - page),
		       image + s->offset + (lo - s->vaddr), hi - lo);
	int err = view_map(v, base + page, frame, segment_flags(s->flags));
	if (err)
		pmm_free(frame);
	return err;
}

int load_segments(struct view *v, const void *image, const struct elf_image *elf,
		  u64 base)
{
	for (size_t i = 0; i < elf->segment_count; i++) {
		const struct elf_segment *s = &elf->segments[i];
		u64 end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		for (u64 p = ALIGN_DOWN(s->vaddr, PAGE_SIZE); p < end; p += PAGE_SIZE) {
			int err = load_page(v, image, s, p, base);
			if (err)
				return err;
		}
	}
	return 0;
}

i64 heap_grow_view(struct view *v, u64 base, u64 *pages, u64 more, u64 max)
{
	u64 first = base + *pages * PAGE_SIZE;

	if (more == 0 || more > max - *pages)
		return -E_RANGE;
	for (u64 i = 0; i < more; i++) {
		u64 frame = pmm_alloc();
		if (!frame || view_map(v, first + i * PAGE_SIZE, frame,
				       VM_USER | VM_WRITE | VM_NX) != 0) {
			if (frame)
				pmm_free(frame);
			while (i--) { /* give back what this call took */
				u64 pa;
				BUG_ON(view_unmap_unpinned(&this_cpu()->slots, v,
							   first + i * PAGE_SIZE, &pa) != 0);
				pmm_free(pa);
			}
			return -E_NOMEM;
		}
	}
	*pages += more;
	return (i64)first;
}
