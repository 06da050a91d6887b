/* window.c - validating, mapping and unmapping pointer arguments (window.h). */
#include "window.h"
#include "errno.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"
#include "pmm.h"
#include "uspace.h"
#include "view.h"
#include "vm.h"

static u64 mapped_now, pinned_now;
u64 window_copy_max = PTR_COPY_MAX;

u64 window_pages_mapped(void) { return mapped_now; }
u64 window_pages_pinned(void) { return pinned_now; }

static int validate(struct window *w, const struct ptr_param *pp,
		    const u64 args[6], struct window_param *out)
{
	u64 p = args[pp->reg], size, first = 0;
	int err;

	if (pp->kind == PTR_KIND_STRING) {
		if ((err = uspace_string(&w->space, p, PTR_STR_MAX, &size, &first)) != 0)
			return err;
		size++; /* its NUL goes along */
	} else {
		size = args[pp->size_reg];
		if (size > pp->max)
			return -E_PTR_TOO_LONG;
		if ((err = uspace_check(&w->space, p, size, pp->access & PTR_WRITE,
					&first)) != 0)
			return err;
	}
	/* Small enough to copy: through the copy area if it fits there at
	 * its offset, else into bounce pages.  A buffer that covers no whole
	 * page would be mapped through bounce pages only (a copy each, and
	 * a fresh frame to zero), so it is copied up to twice the limit. */
	bool whole = ALIGN_DOWN(p + size, PAGE_SIZE) > ALIGN_UP(p, PAGE_SIZE);
	bool small = size <= window_copy_max || (!whole && size <= 2 * window_copy_max);
	bool fits = (p & (PAGE_SIZE - 1)) + size <= WINDOW_COPY_PAGES * PAGE_SIZE;
	*out = (struct window_param){.caller = p, .size = size,
				     .caller_frame = ALIGN_DOWN(first, PAGE_SIZE),
				     .access = pp->access, .copy = small && fits,
				     .bounce_all = small && !fits};
	return 0;
}

/* Bytes [lo, hi) of the caller page at @va are in range. */
static bool partial(const struct window_param *p, u64 va, u64 *lo, u64 *hi)
{
	*lo = MAX(va, p->caller);
	*hi = MIN(va + PAGE_SIZE, p->caller + p->size);
	return *lo != va || *hi != va + PAGE_SIZE;
}

static u64 caller_page(const struct window_param *p, u64 i)
{
	return ALIGN_DOWN(p->caller, PAGE_SIZE) + i * PAGE_SIZE;
}

/* Map page @i of @p: the caller's frame, or a bounce page with just the
 * covered bytes. */
static int map_page(struct window *w, struct window_param *p, struct view *target,
		    u64 i)
{
	u64 va = caller_page(p, i), lo, hi, pa, frame;
	bool bounce = partial(p, va, &lo, &hi) || p->bounce_all;

	BUG_ON(uspace_frame(&w->space, va, false, &pa) != 0); /* validated */
	pa = ALIGN_DOWN(pa, PAGE_SIZE);
	if (bounce) {
		if (!(frame = pmm_alloc()))
			return -E_NOMEM;
		if (p->access & PTR_READ)
			memcpy((u8 *)phys_to_virt(frame) + (lo - va),
			       (const u8 *)phys_to_virt(pa) + (lo - va), hi - lo);
	} else {
		frame = pa;
	}
	u64 flags = VM_USER | VM_NX | (p->access & PTR_WRITE ? VM_WRITE : 0);
	int err = view_map(target, ALIGN_DOWN(p->window, PAGE_SIZE) + i * PAGE_SIZE,
			   frame, flags);
	if (err) {
		if (bounce)
			pmm_free(frame);
		return err;
	}
	mapped_now++;
	if (!bounce) {
		w->pinned++;
		pinned_now++;
		if (w->caller)
			w->caller->pins++;
	}
	return 0;
}

static void unmap_param(struct slot_cpu *c, struct window *w,
			struct window_param *p, struct view *target, bool copy_back)
{
	for (u64 i = 0; i < p->pages; i++) {
		u64 va = caller_page(p, i), lo, hi, frame;
		bool bounce = partial(p, va, &lo, &hi) || p->bounce_all;
		BUG_ON(view_unmap_unpinned(c, target, ALIGN_DOWN(p->window, PAGE_SIZE) +
					       i * PAGE_SIZE, &frame) != 0);
		mapped_now--;
		if (!bounce) {
			w->pinned--;
			pinned_now--;
			if (w->caller)
				w->caller->pins--;
			continue;
		}
		if (copy_back && (p->access & PTR_WRITE)) {
			u64 pa;
			BUG_ON(uspace_frame(&w->space, va, true, &pa) != 0); /* still pinned */
			memcpy((u8 *)phys_to_virt(ALIGN_DOWN(pa, PAGE_SIZE)) + (lo - va),
			       (const u8 *)phys_to_virt(frame) + (lo - va), hi - lo);
		}
		pmm_free(frame);
	}
	p->pages = 0;
}

static u64 copy_area(u64 base, unsigned k)
{
	return base + (k + 1) * WINDOW_PARAM_SPAN - WINDOW_COPY_PAGES * PAGE_SIZE;
}

/* The copy area's pages that @p covers, mapped once and kept
 * (view.kept_pages); their frames in p->area_frame. */
static int ensure_copy_area(struct view *target, struct window_param *p, u64 area)
{
	struct vm_mapping m;
	u64 pages = ((p->caller & (PAGE_SIZE - 1)) + p->size - 1) / PAGE_SIZE + 1;
	for (u64 i = 0; i < pages; i++) {
		u64 va = area + i * PAGE_SIZE, frame;
		if (vm_query(target->tables, va, &m)) {
			p->area_frame[i] = m.pa;
			continue;
		}
		if (!(frame = pmm_alloc()))
			return -E_NOMEM;
		if (view_map(target, va, frame, VM_USER | VM_WRITE | VM_NX) != 0) {
			pmm_free(frame);
			return -E_NOMEM;
		}
		target->kept_pages++;
		p->area_frame[i] = frame;
	}
	return 0;
}

enum copy_dir { TO_DRIVER, TO_CALLER, ZERO };

/* Move @p's bytes between the caller and the copy area page by page,
 * through the direct map; or zero the area's used bytes.  The area's
 * frames and the caller's first one were found when the window opened;
 * copying back translates again (the caller's pages are not pinned). */
static void copy_bytes(const struct window *w, const struct window_param *p,
		       enum copy_dir dir)
{
	u64 first_page = ALIGN_DOWN(p->window, PAGE_SIZE);
	for (u64 done = 0; done < p->size;) {
		u64 cva = p->caller + done, dva = p->window + done, pa;
		u64 n = MIN(p->size - done, MIN(PAGE_SIZE - (cva & (PAGE_SIZE - 1)),
					       PAGE_SIZE - (dva & (PAGE_SIZE - 1))));
		u8 *area = (u8 *)phys_to_virt(p->area_frame[(dva - first_page) / PAGE_SIZE]) +
			   (dva & (PAGE_SIZE - 1));
		if (dir == ZERO) {
			memset(area, 0, n);
		} else if (dir == TO_DRIVER) {
			if (ALIGN_DOWN(cva, PAGE_SIZE) == ALIGN_DOWN(p->caller, PAGE_SIZE))
				pa = p->caller_frame + (cva & (PAGE_SIZE - 1));
			else
				BUG_ON(uspace_frame(&w->space, cva, false, &pa) != 0);
			memcpy(area, phys_to_virt(pa), n);
		} else {
			BUG_ON(uspace_frame(&w->space, cva, true, &pa) != 0);
			memcpy(phys_to_virt(pa), area, n);
		}
		done += n;
	}
}

void window_release_thread(struct slot_cpu *c, struct view *target, u64 first_base,
			   unsigned depths)
{
	for (unsigned d = 0; d < depths; d++) {
		for (unsigned k = 0; k < PTR_MAX_PARAMS; k++) {
			u64 area = copy_area(first_base + d * WINDOW_SPAN, k);
			for (u64 i = 0; i < WINDOW_COPY_PAGES; i++) {
				u64 frame;
				if (view_unmap_unpinned(c, target, area + i * PAGE_SIZE, &frame) == 0) {
					pmm_free(frame);
					target->kept_pages--;
				}
			}
		}
	}
}

/* A small parameter: copied through the copy area of window @k. */
static int open_copy(struct window *w, struct window_param *p,
		     struct view *target, u64 base, unsigned k)
{
	u64 area = copy_area(base, k);
	int err = ensure_copy_area(target, p, area);
	if (err)
		return err; /* p->window stays 0: window_close skips it */
	p->window = area + (p->caller & (PAGE_SIZE - 1));
	if (p->access & PTR_READ)
		copy_bytes(w, p, TO_DRIVER);
	return 0;
}

int window_open(struct slot_cpu *c, struct window *w,
		const struct ptr_class_desc *cls, u64 args[6], struct view *caller,
		const u64 *caller_tables, struct view *target, u64 base)
{
	*w = (struct window){.caller = caller,
			     .space = {caller_tables, caller ? caller->slot : 0, !caller}};
	/* Everything is checked before anything is mapped. */
	for (unsigned k = 0; k < cls->count; k++) {
		int err = validate(w, &cls->params[k], args, &w->params[k]);
		if (err)
			return err;
	}
	if (!target)
		return 0; /* a trusted driver sees the caller's view as it is */
	for (unsigned k = 0; k < cls->count; k++) {
		struct window_param *p = &w->params[k];
		w->count = k + 1;
		if (!p->size) {
			args[cls->params[k].reg] = 0;
			continue;
		}
		if (p->copy) {
			if (open_copy(w, p, target, base, k) != 0) {
				window_close(c, w, target, false);
				return -E_NOMEM;
			}
			args[cls->params[k].reg] = p->window;
			continue;
		}
		p->window = base + k * WINDOW_PARAM_SPAN + (p->caller & (PAGE_SIZE - 1));
		u64 n = (ALIGN_UP(p->caller + p->size, PAGE_SIZE) -
			 ALIGN_DOWN(p->caller, PAGE_SIZE)) / PAGE_SIZE;
		for (; p->pages < n; p->pages++) {
			if (map_page(w, p, target, p->pages) != 0) {
				window_close(c, w, target, false);
				return -E_NOMEM;
			}
		}
		args[cls->params[k].reg] = p->window;
	}
	return 0;
}

void window_close(struct slot_cpu *c, struct window *w, struct view *target,
		  bool copy_back)
{
	for (unsigned k = 0; k < w->count; k++) {
		struct window_param *p = &w->params[k];
		if (!p->copy) {
			unmap_param(c, w, p, target, copy_back);
			continue;
		}
		if (!p->window)
			continue; /* never opened */
		if (copy_back && (p->access & PTR_WRITE))
			copy_bytes(w, p, TO_CALLER);
		copy_bytes(w, p, ZERO); /* nothing stays for later calls */
	}
	w->count = 0;
}
