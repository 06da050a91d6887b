/* uspace.c - pointers into a ring-3 address space, from the kernel (uspace.h). */
#include "uspace.h"
#include "errno.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"
#include "vm.h"

int uspace_range(const struct uspace *s, u64 p, u64 size)
{
	if (!p)
		return -E_PTR_NULL;
	if (!is_canonical(p))
		return -E_PTR_NONCANONICAL;
	if (p + size < p)
		return -E_PTR_WRAP;
	if (s->kernel)
		return is_user_addr(p) ? -E_PTR_OTHER_SLOT : 0;
	if (!is_user_addr(p))
		return -E_PTR_KERNEL;
	u64 lo = slot_base(s->slot);
	if (p < lo || p + size > lo + SLOT_SIZE)
		return -E_PTR_OTHER_SLOT;
	return 0;
}

int uspace_frame(const struct uspace *s, u64 va, bool write, u64 *pa)
{
	struct vm_mapping m;
	if (!vm_query(s->tables, va, &m) || (!s->kernel && !(m.flags & VM_USER)))
		return -E_PTR_UNMAPPED;
	if (write && !(m.flags & VM_WRITE))
		return -E_PTR_READONLY;
	*pa = m.pa;
	return 0;
}

int uspace_check(const struct uspace *s, u64 p, u64 size, bool write, u64 *first)
{
	if (!size)
		return 0;
	int err = uspace_range(s, p, size);
	u64 pa;
	for (u64 va = ALIGN_DOWN(p, PAGE_SIZE); !err && va < p + size; va += PAGE_SIZE) {
		err = uspace_frame(s, va, write, &pa);
		if (!err && first && va <= p)
			*first = pa;
	}
	return err;
}

/* Bytes from @va to the end of its page. */
static u64 page_rest(u64 va) { return PAGE_SIZE - (va & (PAGE_SIZE - 1)); }

/* Where the first NUL of the @n bytes at @from lies (@n at most up to the
 * end of @from's page), reading quadwords of the frame at @pa (bytes
 * before @from count as non-zero): its index from @from, or ~0 when none
 * of the @n bytes is a NUL.  An aligned quadword never crosses a page. */
static u64 scan_page(u64 from, u64 n, u64 pa)
{
	const u64 *q = phys_to_virt(ALIGN_DOWN(pa, 8));
	u64 skip = from & 7; /* bytes of the first quadword before @from */
	u64 x = *q | ((1ull << (8 * skip)) - 1);
	for (u64 at = 0;; at += 8) { /* at: the quadword's first byte - skip */
		unsigned i = zero_byte_index(x);
		if (i < 8)
			return at + i - skip < n ? at + i - skip : ~0ull;
		if (at + 8 - skip >= n)
			return ~0ull;
		x = *++q;
	}
}

/*
 * The NUL must lie in [p, p + max): the scan counts the bytes still
 * allowed rather than comparing with p + max, which may wrap (a max from
 * outside, or a pointer at the top of the address space: before, such a
 * string was "unterminated" without a look at its pointer, found while
 * writing tests/host/fuzz/fuzz_uspace.c).  Each page is checked before
 * it is read; running off the top of the address space is -E_PTR_WRAP.
 */
int uspace_string(const struct uspace *s, u64 p, u64 max, u64 *len, u64 *first)
{
	for (u64 from = p, rest = max; rest;) {
		u64 pa;
		int err = uspace_range(s, from, 1);
		if (err || (err = uspace_frame(s, from, false, &pa)) != 0)
			return err;
		if (first && from == p)
			*first = ALIGN_DOWN(pa, PAGE_SIZE);
		u64 n = MIN(rest, page_rest(from));
		u64 i = scan_page(from, n, pa);
		if (i != ~0ull) {
			*len = from - p + i;
			return 0;
		}
		rest -= n;
		from += n;
		if (rest && !from)
			return -E_PTR_WRAP;
	}
	return -E_PTR_UNTERMINATED;
}

int uspace_copy(const struct uspace *dst, u64 dp, const struct uspace *src,
		u64 sp, u64 n)
{
	int err = 0;
	if (n && ((err = uspace_range(dst, dp, n)) != 0 ||
		  (err = uspace_range(src, sp, n)) != 0))
		return err;
	for (u64 done = 0; done < n;) {
		u64 d = dp + done, s = sp + done;
		u64 chunk = MIN(n - done, MIN(page_rest(d), page_rest(s)));
		u64 to, from;
		if ((err = uspace_frame(dst, d, true, &to)) != 0 ||
		    (err = uspace_frame(src, s, false, &from)) != 0)
			return err;
		memcpy(phys_to_virt(to), phys_to_virt(from), chunk);
		done += chunk;
	}
	return 0;
}
