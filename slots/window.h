/*
 * window.h - passing pointers into a driver by mapping, not copying.
 *
 * For a gate whose class has pointer parameters (ptrclass.h), the kernel
 *   1. validates every pointer against the caller's own view before
 *      anything is mapped, each failure with its own error;
 *   2. maps the caller's frames into this thread's window in the driver's
 *      slot (selector WINDOW_FIRST_SELECTOR and up, one window per thread
 *      and nesting depth) at the same page offset, and rewrites the
 *      register to the window address;
 *   3. on return (or a fault unwind) unmaps the window, invalidating under
 *      the build's flush strategy, and copies bounce pages back.
 *
 * The driver sees no byte of the caller outside the passed range: a page
 * only partly covered (the head or tail of a buffer, any string) is never
 * mapped; a fresh bounce page holding just the covered bytes is mapped in
 * its place, and for outputs exactly those bytes are copied back.  Buffers
 * up to PTR_COPY_MAX bytes, and those covering no whole page, are
 * bounced whole (copying beats mapping there): those go through a small
 * copy area at the end of each window,
 * which stays mapped from call to call (no map, unmap or invalidation),
 * and is zeroed again after every call.  Inputs are mapped read-only.
 *
 * While mapped, the caller's frames are pinned: the caller's view counts
 * them (view.pins) and refuses to unmap anything until they are released.
 */
#ifndef SLOTGATE_WINDOW_H
#define SLOTGATE_WINDOW_H

#include "ptrclass.h"
#include "types.h"
#include "uspace.h"

struct view;
struct slot_cpu;

#define WINDOW_FIRST_SELECTOR 3
/* One parameter's window: the largest buffer plus a page each side,
 * rounded to 2 MiB; a window holds PTR_MAX_PARAMS of them. */
#define WINDOW_PARAM_SPAN (PTR_BUF_MAX + (4ull << 20))
#define WINDOW_SPAN (PTR_MAX_PARAMS * WINDOW_PARAM_SPAN)
/*
 * Buffers up to this size are copied through the copy area instead of
 * having the caller's frames mapped.  From the buffer-size sweep under
 * icount (make bench, docs/results.md): a page-aligned buf_in round trip
 * costs, copied / mapped, 1851 / 2419 instructions at 3 KiB but
 * 2107 / 1402 at 4 KiB and 29889 / 10881 at 64 KiB: below a page a
 * mapping needs a bounce page anyway, from a whole page on mapping wins.
 * A buffer covering no whole page is copied up to twice this size.
 * window_copy_max is this, except while the benchmarks compare the two
 * methods (bench_set()).
 */
#define PTR_COPY_MAX 4095u
extern u64 window_copy_max;
/* The copy area: the last pages of each parameter's window. */
#define WINDOW_COPY_PAGES 2 /* PTR_COPY_MAX bytes at any page offset */

/* Unmap and free thread @tid's copy areas in @target (thread ended). */
void window_release_thread(struct slot_cpu *c, struct view *target, u64 first_base,
			   unsigned depths);

struct window_param {
	u64 caller;   /* the caller's address */
	u64 size;     /* bytes; a string's includes its NUL */
	u64 window;   /* the driver's address for it */
	u64 pages;    /* window pages mapped */
	u64 caller_frame; /* the caller's first page, as validated */
	u64 area_frame[WINDOW_COPY_PAGES]; /* the copy area's, when copied */
	u8 access;    /* enum ptr_access */
	bool copy;    /* through the copy area */
	bool bounce_all; /* copied too, but too big for the copy area: every
			    page a bounce page (only when the benchmarks
			    raise window_copy_max) */
};

struct window {
	struct view *caller;       /* NULL: a kernel caller */
	struct uspace space;       /* where caller addresses lie and are
				      translated (the kernel's for NULL) */
	u64 pinned;                /* caller frames mapped, hence pinned */
	unsigned count;
	struct window_param params[PTR_MAX_PARAMS];
};

/*
 * Validate and map @cls's pointers in @args for a call into @target at
 * window @base (@target NULL: validate only, map nothing - a trusted
 * driver called from ring 3 sees the caller's view itself).  @caller is the caller's view, NULL for kernel code
 * (then @caller_tables is the kernel's PML4).  Rewrites the pointer
 * registers in @args.  0, or an E_PTR_* / E_NOMEM error with nothing
 * left mapped or pinned.
 */
int window_open(struct slot_cpu *c, struct window *w,
		const struct ptr_class_desc *cls, u64 args[6], struct view *caller,
		const u64 *caller_tables, struct view *target, u64 base);
/* Undo window_open; with @copy_back, outputs' bounce pages go back to
 * the caller first. */
void window_close(struct slot_cpu *c, struct window *w, struct view *target,
		  bool copy_back);

/* Pages mapped in windows and caller pages pinned now (leak checks). */
u64 window_pages_mapped(void);
u64 window_pages_pinned(void);

#endif
