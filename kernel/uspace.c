/* uspace.c - pointers into a ring-3 address space, from the kernel (uspace.h). */
#include "uspace.h"
#include "errno.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"
#include "vm.h"

/* Where [p, p + size) may lie: in @s's slot.  Checked before any page. */
static int check_range(const struct uspace *s, u64 p, u64 size)
{
	if (!p)
		return -E_PTR_NULL;
	if (!is_canonical(p))
		return -E_PTR_NONCANONICAL;
	if (p + size < p)
		return -E_PTR_WRAP;
	if (!is_user_addr(p))
		return -E_PTR_KERNEL;
	u64 lo = slot_base(s->slot);
	if (p < lo || p + size > lo + SLOT_SIZE)
		return -E_PTR_OTHER_SLOT;
	return 0;
}

/* The byte at @va in the direct map, if @s lets ring 3 read it (and,
 * with @write, write it). */
static int translate(const struct uspace *s, u64 va, bool write, u8 **kva)
{
	struct vm_mapping m;
	if (!vm_query(s->tables, va, &m) || !(m.flags & VM_USER))
		return -E_PTR_UNMAPPED;
	if (write && !(m.flags & VM_WRITE))
		return -E_PTR_READONLY;
	*kva = phys_to_virt(m.pa);
	return 0;
}

int uspace_check(const struct uspace *s, u64 p, u64 size, bool write)
{
	if (!size)
		return 0;
	int err = check_range(s, p, size);
	u8 *kva;
	for (u64 va = ALIGN_DOWN(p, PAGE_SIZE); !err && va < p + size; va += PAGE_SIZE)
		err = translate(s, va, write, &kva);
	return err;
}

int uspace_string(const struct uspace *s, u64 p, u64 max, u64 *len)
{
	int err = check_range(s, p, 1);
	const u8 *bytes = NULL;

	for (u64 i = 0; !err && i < max; i++) {
		/* A new page at the start and at each page boundary. */
		if (i == 0 || IS_ALIGNED(p + i, PAGE_SIZE)) {
			u8 *kva;
			if ((err = check_range(s, p + i, 1)) != 0 ||
			    (err = translate(s, p + i, false, &kva)) != 0)
				return err;
			bytes = kva - i;
		}
		if (bytes[i] == 0) {
			*len = i;
			return 0;
		}
	}
	return err ? err : -E_PTR_UNTERMINATED;
}

/* Bytes from @va to the end of its page. */
static u64 page_rest(u64 va) { return PAGE_SIZE - (va & (PAGE_SIZE - 1)); }

int uspace_copy(const struct uspace *dst, u64 dp, const struct uspace *src,
		u64 sp, u64 n)
{
	int err = 0;
	if (n && ((err = check_range(dst, dp, n)) != 0 ||
		  (err = check_range(src, sp, n)) != 0))
		return err;
	for (u64 done = 0; done < n;) {
		u64 d = dp + done, s = sp + done;
		u64 chunk = MIN(n - done, MIN(page_rest(d), page_rest(s)));
		u8 *to, *from;
		if ((err = translate(dst, d, true, &to)) != 0 ||
		    (err = translate(src, s, false, &from)) != 0)
			return err;
		memcpy(to, from, chunk);
		done += chunk;
	}
	return 0;
}
