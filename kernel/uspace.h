/*
 * uspace.h - address spaces seen from the kernel: check a pointer
 * argument against one, measure a string in one, and copy between two,
 * without ever touching a user address.  The gate's pointer validation
 * (slots/window.c) and long IPC (ipc.h) both go through here.
 *
 * A space is a view's page tables plus the slot its pointers must lie in
 * (slots/view.h), or, for a kernel caller of a gate, the kernel's own
 * tables and half.  Everything goes through vm_query() and the direct map,
 * so the space need not be the one the CPU shows, a bad pointer is an
 * error code rather than a fault, and SMAP never needs opening.  This is
 * how long IPC (ipc.h) moves a message from the client's view straight
 * into the server's, page by page, once.
 *
 * Invariants:
 *   - a range is accepted only if it lies inside the space's slot and
 *     every page of it is present and user-accessible (and writable for
 *     a destination); the codes are the gate's pointer errors (E_PTR_*,
 *     docs/gate-abi.md), checked in the same order;
 *   - uspace_copy() checks every page it touches again, so it may fail
 *     half way (with the bytes before the bad page copied) but never
 *     writes a page the destination may not write; callers check first
 *     and expect it to succeed.
 */
#ifndef SLOTGATE_USPACE_H
#define SLOTGATE_USPACE_H

#include "types.h"

struct uspace {
	const u64 *tables; /* the view's PML4 page (view.tables) */
	unsigned slot;     /* the PML4 entry its pointers lie in */
	bool kernel;       /* the kernel's half instead (tables: kernel_pml4);
			      its pages need not be user pages */
};

/* Where [p, p + size) may lie, before any page is looked at: 0 or
 * -E_PTR_NULL, _NONCANONICAL, _WRAP, _KERNEL (a user space given a kernel
 * address), _OTHER_SLOT (outside the slot; any user address for the
 * kernel space). */
int uspace_range(const struct uspace *s, u64 p, u64 size);

/* The physical address behind @va, if @s may read it (and, with @write,
 * write it): 0, -E_PTR_UNMAPPED or -E_PTR_READONLY. */
int uspace_frame(const struct uspace *s, u64 va, bool write, u64 *pa);

/* [p, p + size) may be read (and with @write written) in @s: 0 or an
 * error of uspace_range() or uspace_frame().  An empty range is always
 * fine.  The frame of its first page in *first, if @first. */
int uspace_check(const struct uspace *s, u64 p, u64 size, bool write, u64 *first);

/* The length (NUL excluded) of the string at @p in @s, which must end
 * within @max bytes, NUL included: 0 or an error as above (each page is
 * checked before it is read, -E_PTR_WRAP if the string runs off the top
 * of the address space), or -E_PTR_UNTERMINATED.  Scanned a quadword at
 * a time, never past the quadword holding the NUL or byte p + max - 1;
 * the frame of its first page in *first, if @first. */
int uspace_string(const struct uspace *s, u64 p, u64 max, u64 *len, u64 *first);

/* Copy @n bytes from @sp in @src to @dp in @dst through the direct map:
 * 0, or the error of the first page that may not be read or written. */
int uspace_copy(const struct uspace *dst, u64 dp, const struct uspace *src,
		u64 sp, u64 n);

#endif
