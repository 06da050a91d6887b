/*
 * load.h - copying a checked ELF image's segments into a view.
 *
 * Shared by applications (user.c, image at its link address) and drivers
 * (slots/driver.c, image relocated to its slot's base).  Each page gets a
 * fresh frame holding the file bytes that fall in it, zeros elsewhere, and
 * the rights its segment asks for (user; writable if W; NX unless X).
 */
#ifndef SLOTGATE_LOAD_H
#define SLOTGATE_LOAD_H

#include "elf.h"
#include "types.h"

struct view;

/* Map every page of @elf's segments at @base + vaddr in @v: 0 or
 * -E_NOMEM / a vm error; pages already mapped stay (the view's teardown
 * frees them). */
int load_segments(struct view *v, const void *image, const struct elf_image *elf,
		  u64 base);

/* A heap: @v's heap of *@pages pages starting at @base grows by @more
 * zeroed RW+NX user pages, at most @max in all.  The address of the first
 * new page, or -E_RANGE / -E_NOMEM (then nothing was added). */
i64 heap_grow_view(struct view *v, u64 base, u64 *pages, u64 more, u64 max);

#endif
