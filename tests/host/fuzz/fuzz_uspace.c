/*
 * fuzz_uspace.c - libFuzzer harness for kernel/uspace.c, the pointer
 * validation every gate and long IPC goes through.
 *
 * Each input builds two address spaces in page tables over the host
 * arena (tests/host/arena.c): S, the source (strings, checks, the copy's
 * source) and D, the copy's destination, each a user space of some slot
 * or the kernel's half.  The shapes are random - 4 KiB leaves, 2 MiB
 * leaves, 1 GiB leaves (which vm_query() refuses), non-present entries
 * with junk bits, any leaf flags - at addresses near the slot's edges,
 * the next and previous slot, the kernel half and anywhere.  The
 * intermediate entries are P|RW|US, as vm.h promises (the leaf alone
 * decides), so the model reads the leaf's flags.  Then random queries
 * (uspace_range, _frame, _check, _string, _copy) are each compared with
 * a model written from uspace.h's contract alone, byte by byte and page
 * by page, with 128-bit range arithmetic:
 *   - the error code (the documented order) and the frame it reports;
 *   - nothing outside the space's slot (or, for the kernel space, the
 *     upper half), nothing not present or not user (for a user space),
 *     nothing read-only for a write, ever validates;
 *   - the data memory of both spaces stays poisoned (ASan) for the
 *     whole input, but for the bytes a call may touch, unpoisoned while
 *     it runs: uspace_string may read the quadwords of the bytes it may
 *     look at and no others, so a read beyond max is an ASan report;
 *     uspace_copy may read the source bytes and write the destination
 *     bytes before the first page that may not be written (or read);
 *     every byte it wrote is compared with its source.
 *
 *   make fuzz (build/fuzz/fuzz_uspace), tests/host/fuzz/corpus/uspace/
 */
#include "arena.h"
#include "errno.h"
#include "fuzz_input.h"
#include "memlayout.h"
#include "uspace.h"
#include "vm.h"

#include <sanitizer/asan_interface.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int htest_failures; /* arena.c's CHECK()s count here */

/* "Physical" memory (arena frames start at ARENA_BASE = 1 MiB). */
#define TABLES_PA 0x100000ull /* page tables, handed out per input */
#define TABLES_MAX 192
#define REGION_A 0x400000ull /* S's data: 2 MiB, leaves may alias */
#define REGION_B 0x600000ull /* D's 4 KiB leaves, one frame each */
#define REGION_C 0x800000ull /* D's 2 MiB leaves, two at most */
#define REGION_END 0xc00000ull
#define TWO_MB (2ull << 20)
#define ONE_GB (1ull << 30)

static unsigned tables_used;

static u64 new_table(void)
{
	FUZZ_CHECK(tables_used < TABLES_MAX);
	u64 pa = TABLES_PA + (u64)tables_used++ * PAGE_SIZE;
	memset(vm_table_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* --- the model's view of a space: the leaves the harness made -------------- */

#define MAPS_MAX 40

struct map {
	u64 va, size, pa, flags; /* flags: the leaf's PTE bits; size 1 GiB: refused */
};

struct space {
	struct uspace u;
	u64 *pml4;
	struct map maps[MAPS_MAX];
	unsigned nmaps, nlarge;
	unsigned next_b; /* D: next region B frame */
};

static struct space S, D;

/* The model's translation: the leaf covering @va, or NULL. */
static const struct map *lookup(const struct space *s, u64 va)
{
	for (unsigned i = 0; i < s->nmaps; i++) {
		const struct map *m = &s->maps[i];
		if (va - m->va < m->size)
			return m->size == ONE_GB ? NULL : m;
	}
	return NULL;
}

/* Place a leaf of @size (4 KiB, 2 MiB or 1 GiB) at @va with entry bits
 * @bits (address added); intermediate tables P|RW|US.  False when the
 * walk meets a leaf or the slot is taken (the model stays exact). */
static bool place(struct space *s, u64 va, u64 size, u64 pa, u64 bits)
{
	int leaf_level = size == PAGE_SIZE ? 1 : size == TWO_MB ? 2 : 3;
	u64 *t = s->pml4;
	for (int level = 4; level > leaf_level; level--) {
		u64 *e = &t[vm_index(va, level)];
		if (!(*e & PTE_P)) {
			if (*e)
				return false; /* junk, non-present: leave it */
			*e = new_table() | PTE_P | PTE_RW | PTE_US;
		} else if (*e & PTE_PS) {
			return false;
		}
		t = vm_table_virt(*e & PTE_ADDR);
	}
	u64 *e = &t[vm_index(va, leaf_level)];
	if (*e)
		return false;
	*e = pa | bits | (leaf_level > 1 ? PTE_PS : 0);
	return true;
}

/* Addresses worth trying for space @s: its slot's edges, the slots
 * beside it, the kernel half, zero, anywhere. */
static u64 pick_base(struct fuzz_in *in, const struct space *s)
{
	u64 lo = slot_base(s->u.slot), hi = lo + SLOT_SIZE;
	switch (fuzz_pick(in, 12)) {
	case 0: case 1: return lo;
	case 2: case 3: return hi;
	case 4: return lo - TWO_MB;
	case 5: return hi - TWO_MB;
	case 6: return 0;
	case 7: return USER_TOP - TWO_MB;
	case 8: return KERNEL_HEAP_BASE;
	case 9: return 0xffffffffffe00000ull; /* the top 2 MiB */
	case 10: return DIRECT_MAP_BASE;
	default: return fuzz_u64(in);
	}
}

static unsigned pick_slot(struct fuzz_in *in)
{
	static const unsigned slots[] = {APP_SLOT, 1, 5, 254, LAST_DRIVER_SLOT};
	u8 c = fuzz_u8(in);
	return c < 200 ? slots[c % 5] : fuzz_u8(in);
}

static void build(struct fuzz_in *in, struct space *s, bool dst)
{
	memset(s, 0, sizeof(*s));
	s->pml4 = vm_table_virt(new_table());
	s->u = (struct uspace){s->pml4, pick_slot(in), fuzz_pick(in, 8) == 0};
	unsigned n = fuzz_pick(in, 24);
	for (unsigned i = 0; i < n && s->nmaps < MAPS_MAX; i++) {
		u8 kind = fuzz_u8(in);
		u64 va = pick_base(in, s) + (u64)(i64)(int8_t)fuzz_u8(in) * PAGE_SIZE;
		/* Leaf bits: P set, the rest at random (RW, US, NX, G, ...). */
		u64 bits = (fuzz_u8(in) & (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_A | PTE_D)) |
			   (kind & 0x10 ? PTE_NX : 0) | (kind & 0x20 ? PTE_G : 0) | PTE_P;
		if (fuzz_pick(in, 4))
			bits |= PTE_US; /* mostly user pages */
		u64 size = PAGE_SIZE, pa;
		switch (kind % 8) {
		case 0: /* a junk entry, not present, somewhere on the walk */
			va = ALIGN_DOWN(va, PAGE_SIZE);
			if (is_canonical(va)) {
				u64 junk = (fuzz_u64(in) & ~PTE_P) | 1ull << 9;
				int level = 1 + (int)fuzz_pick(in, 4);
				u64 *t = s->pml4;
				for (int l = 4; l > level; l--) {
					u64 e = t[vm_index(va, l)];
					if (!(e & PTE_P) || (e & PTE_PS)) {
						t = NULL;
						break;
					}
					t = vm_table_virt(e & PTE_ADDR);
				}
				if (t && !t[vm_index(va, level)])
					t[vm_index(va, level)] = junk;
			}
			continue;
		case 1: /* 2 MiB */
			if (s->nlarge == (dst ? 2 : 4))
				continue;
			size = TWO_MB;
			break;
		case 2: /* 1 GiB: vm_query refuses it */
			size = ONE_GB;
			break;
		default:
			break;
		}
		va = ALIGN_DOWN(va, size);
		if (!is_canonical(va) || !is_canonical(va + size - 1))
			continue;
		if (size == ONE_GB)
			pa = 0x40000000ull;
		else if (!dst)
			pa = size == TWO_MB ? REGION_A
					    : REGION_A + (u64)fuzz_u16(in) % 512 * PAGE_SIZE;
		else if (size == TWO_MB)
			pa = REGION_C + (u64)s->nlarge * TWO_MB;
		else if (s->next_b < 512)
			pa = REGION_B + (u64)s->next_b * PAGE_SIZE;
		else
			continue;
		if (!place(s, va, size, pa, bits))
			continue;
		if (size == TWO_MB)
			s->nlarge++;
		else if (size == PAGE_SIZE && dst)
			s->next_b++;
		s->maps[s->nmaps++] = (struct map){va, size, pa, bits};
	}
}

/* --- the model ---------------------------------------------------------- */

typedef unsigned __int128 u128;

static bool canonical(u64 va) { return va < (1ull << 47) || va >= 0xffff800000000000ull; }

static int model_range(const struct space *s, u64 p, u64 size)
{
	if (p == 0)
		return -E_PTR_NULL;
	if (!canonical(p))
		return -E_PTR_NONCANONICAL;
	if ((u128)p + size >= (u128)1 << 64)
		return -E_PTR_WRAP;
	if (s->u.kernel)
		return p < USER_TOP ? -E_PTR_OTHER_SLOT : 0;
	if (p >= USER_TOP)
		return -E_PTR_KERNEL;
	u128 lo = (u128)s->u.slot << 39, hi = lo + ((u128)1 << 39);
	return p >= lo && (u128)p + size <= hi ? 0 : -E_PTR_OTHER_SLOT;
}

/* The page at @va may be read (written): 0 or the error; its frame. */
static int model_page(const struct space *s, u64 va, bool write, u64 *pa)
{
	const struct map *m = lookup(s, va);
	if (!m || (!s->u.kernel && !(m->flags & PTE_US)))
		return -E_PTR_UNMAPPED;
	if (write && !(m->flags & PTE_RW))
		return -E_PTR_READONLY;
	*pa = m->pa + (va - m->va);
	return 0;
}

/* The host bytes behind physical @pa. */
static u8 *host(u64 pa) { return phys_to_virt(pa); }

static u8 pattern_bc(u64 pa) { return (u8)((pa * 0x9e3779b1u) >> 11); }

static u8 pristine_bc[REGION_END - REGION_B]; /* D's memory as filled */

static void fill_regions(void)
{
	for (u64 pa = REGION_A; pa < REGION_B; pa++)
		/* A NUL ends every third frame: a string runs over a few
		 * pages at most, unless the input pokes NULs of its own. */
		*host(pa) = (pa & 0xfff) == 0xfff && (pa >> 12) % 3 == 2 ? 0
									  : (u8)(1 + (pa * 13) % 255);
	for (u64 pa = REGION_B; pa < REGION_END; pa++)
		*host(pa) = pristine_bc[pa - REGION_B] = pattern_bc(pa);
}

/* NULs the input put into region A, undone after it. */
#define POKES_MAX 16
static u64 pokes[POKES_MAX];
static u8 poked[POKES_MAX];
static unsigned npokes;

static void poke_nuls(struct fuzz_in *in)
{
	unsigned n = fuzz_pick(in, POKES_MAX + 1);
	for (unsigned i = 0; i < n; i++) {
		u64 pa = REGION_A + fuzz_u32(in) % TWO_MB;
		pokes[npokes] = pa;
		poked[npokes++] = *host(pa);
		*host(pa) = 0;
	}
}

static void unpoke(void)
{
	while (npokes) {
		npokes--;
		*host(pokes[npokes]) = poked[npokes];
	}
}

/* --- queries -------------------------------------------------------------- */

static u64 pick_addr(struct fuzz_in *in, const struct space *s)
{
	u64 p = pick_base(in, s) + (u64)(i64)(int8_t)fuzz_u8(in) * PAGE_SIZE;
	switch (fuzz_pick(in, 4)) {
	case 0: return p;
	case 1: return p + fuzz_u16(in) % PAGE_SIZE;
	case 2: return p - 1 - fuzz_pick(in, 16);
	default: return p + (u64)(i64)(int16_t)fuzz_u16(in);
	}
}

static u64 pick_size(struct fuzz_in *in)
{
	static const u64 sizes[] = {0, 1, 7, 8, 9, 255, 256, 4095, 4096, 4097, 8192,
				    3 * 4096 + 5, TWO_MB, SLOT_SIZE, ~0ull, 1ull << 63};
	u8 c = fuzz_u8(in);
	if (c < 160)
		return sizes[c % 16];
	if (c < 240)
		return fuzz_u16(in);
	return fuzz_u64(in);
}

static void q_range(struct fuzz_in *in, const struct space *s)
{
	u64 p = pick_addr(in, s), n = pick_size(in);
	FUZZ_CHECK(uspace_range(&s->u, p, n) == model_range(s, p, n));
}

static void q_frame(struct fuzz_in *in, const struct space *s)
{
	u64 va = pick_addr(in, s), pa = 0, want = 0;
	bool write = fuzz_u8(in) & 1;
	int err = uspace_frame(&s->u, va, write, &pa);
	/* uspace_frame() looks at pages only: the range is the caller's. */
	FUZZ_CHECK(err == model_page(s, va, write, &want));
	FUZZ_CHECK(err || pa == want);
}

static void q_check(struct fuzz_in *in, const struct space *s)
{
	u64 p = pick_addr(in, s), n = pick_size(in), first = 1, want_first = 0;
	bool write = fuzz_u8(in) & 1;
	int err = uspace_check(&s->u, p, n, write, &first);
	int want = n ? model_range(s, p, n) : 0;
	if (!want && n) {
		u64 end = p + n, pa;
		for (u64 va = ALIGN_DOWN(p, PAGE_SIZE); va < end && !want; va += PAGE_SIZE) {
			want = model_page(s, va, write, &pa);
			if (!want && va == ALIGN_DOWN(p, PAGE_SIZE))
				want_first = pa;
		}
	}
	FUZZ_CHECK(err == want);
	if (!err && n) {
		FUZZ_CHECK(first == want_first);
		/* Spelled out: nothing outside the slot or not user validates. */
		u128 lo = (u128)slot_base(s->u.slot);
		FUZZ_CHECK(s->u.kernel ? p >= 0xffff800000000000ull && p + n - 1 >= p
				       : p >= lo && (u128)p + n <= lo + SLOT_SIZE);
	}
}

/* Poison @len bytes of host memory from physical @pa (or unpoison). */
static void poison(u64 pa, u64 len, bool on)
{
	if (on)
		ASAN_POISON_MEMORY_REGION(host(pa), len);
	else
		ASAN_UNPOISON_MEMORY_REGION(host(pa), len);
}

/* The model reads poisoned memory behind ASan's back. */
__attribute__((no_sanitize("address"))) static u64 raw_nul(u64 pa, u64 n)
{
	const volatile u8 *b = host(pa);
	for (u64 i = 0; i < n; i++)
		if (!b[i])
			return i;
	return ~0ull;
}

/* The quadwords uspace_string() may read, as physical windows. */
#define WINDOWS_MAX 4096
static u64 win_pa[WINDOWS_MAX], win_len[WINDOWS_MAX];

static void q_string(struct fuzz_in *in, const struct space *s)
{
	static const u64 maxes[] = {0, 1, 7, 8, 9, 100, 256, 4095, 4096, 4097, 8192,
				    3 * 4096 + 1, 1ull << 20, ~0ull, 1ull << 63, 255};
	u64 p = pick_addr(in, s), max = fuzz_u8(in) < 200 ? maxes[fuzz_pick(in, 16)]
							  : fuzz_u64(in);
	/* The model: page by page over the bytes [p, p + max), each page
	 * checked before it is read, up to the first NUL. */
	int want = -E_PTR_UNTERMINATED;
	u64 want_len = 0, want_first = 0;
	unsigned nwin = 0;
	bool fenced = true;
	for (u64 from = p, rest = max; rest;) {
		u64 pa;
		if ((want = model_range(s, from, 1)) != 0 ||
		    (want = model_page(s, from, false, &pa)) != 0)
			break;
		if (from == p)
			want_first = ALIGN_DOWN(pa, PAGE_SIZE);
		u64 n = PAGE_SIZE - (from & (PAGE_SIZE - 1));
		n = n < rest ? n : rest;
		u64 z = raw_nul(pa, n);
		u64 seen = z != ~0ull ? z + 1 : n; /* bytes it may look at */
		/* ... and so the quadwords holding them: no more. */
		if (nwin < WINDOWS_MAX) {
			win_pa[nwin] = ALIGN_DOWN(pa, 8);
			win_len[nwin] = ALIGN_DOWN(pa + seen - 1, 8) + 8 - win_pa[nwin];
			nwin++;
		} else {
			fenced = false;
		}
		if (z != ~0ull) {
			want = 0;
			want_len = from - p + z;
			break;
		}
		want = -E_PTR_UNTERMINATED;
		rest -= n;
		from += n;
		if (rest && !from) {
			want = -E_PTR_WRAP;
			break;
		}
	}
	/* Every other byte of S's memory stays poisoned while it scans. */
	if (!fenced)
		poison(REGION_A, TWO_MB, false);
	for (unsigned i = 0; fenced && i < nwin; i++)
		poison(win_pa[i], win_len[i], false);
	u64 len = ~0ull, first = 1;
	int err = uspace_string(&s->u, p, max, &len, &first);
	if (!fenced)
		poison(REGION_A, TWO_MB, true);
	for (unsigned i = 0; fenced && i < nwin; i++)
		poison(win_pa[i], win_len[i], true);
	FUZZ_CHECK(err == want);
	if (!err) {
		FUZZ_CHECK(len == want_len && len < max);
		FUZZ_CHECK(first == want_first);
	}
}

/* How many of the @left bytes at dp, sp can go as one piece: up to the
 * nearer end of either side's page. */
static u64 copy_chunk(u64 dp, u64 sp, u64 left)
{
	u64 chunk = left, r;
	if ((r = PAGE_SIZE - (dp & (PAGE_SIZE - 1))) < chunk)
		chunk = r;
	if ((r = PAGE_SIZE - (sp & (PAGE_SIZE - 1))) < chunk)
		chunk = r;
	return chunk;
}

static void q_copy(struct fuzz_in *in)
{
	u64 dp = pick_addr(in, &D), sp = pick_addr(in, &S), n = pick_size(in);
	if (fuzz_u8(in) & 1)
		dp = sp; /* the same address in both spaces */
	/* The model: both ranges, then chunk by chunk (a chunk ends where
	 * either side's page ends), the destination page before the source
	 * page.  The bytes it may read and write are unpoisoned while it
	 * runs, no others. */
	int want = 0;
	u64 done = 0;
	if (n)
		want = model_range(&D, dp, n);
	if (n && !want)
		want = model_range(&S, sp, n);
	while (!want && done < n) {
		u64 d = dp + done, sv = sp + done, to, from;
		u64 chunk = copy_chunk(d, sv, n - done);
		if ((want = model_page(&D, d, true, &to)) != 0 ||
		    (want = model_page(&S, sv, false, &from)) != 0)
			break;
		FUZZ_CHECK(to >= REGION_B && to + chunk <= REGION_END);
		poison(to, chunk, false);
		poison(from, chunk, false);
		done += chunk;
	}
	int err = uspace_copy(&D.u, dp, &S.u, sp, n);
	FUZZ_CHECK(err == want);
	/* Every byte of the prefix holds its source byte; then D's memory
	 * goes back as it was, and everything is poisoned again. */
	for (u64 i = 0; i < done;) {
		u64 to, from, chunk = copy_chunk(dp + i, sp + i, done - i);
		FUZZ_CHECK(model_page(&D, dp + i, true, &to) == 0);
		FUZZ_CHECK(model_page(&S, sp + i, false, &from) == 0);
		FUZZ_CHECK(memcmp(host(to), host(from), chunk) == 0);
		memcpy(host(to), pristine_bc + (to - REGION_B), chunk);
		i += chunk;
	}
	for (u64 i = 0; i < done;) {
		u64 to, from, chunk = copy_chunk(dp + i, sp + i, done - i);
		model_page(&D, dp + i, true, &to);
		model_page(&S, sp + i, false, &from);
		poison(to, chunk, true);
		poison(from, chunk, true);
		i += chunk;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fuzz_in in = {data, size};

	if (!ready) {
		arena_reset(ARENA_MAX_FRAMES);
		fill_regions();
		ready = true;
	}
	tables_used = 0;
	build(&in, &S, false);
	build(&in, &D, true);
	poke_nuls(&in);
	poison(REGION_A, REGION_END - REGION_A, true);
	for (unsigned q = 0; q < 48 && fuzz_more(&in); q++) {
		const struct space *s = fuzz_u8(&in) & 1 ? &S : &D;
		switch (fuzz_pick(&in, 5)) {
		case 0: q_range(&in, s); break;
		case 1: q_frame(&in, s); break;
		case 2: q_check(&in, s); break;
		case 3: q_string(&in, &S); break;
		default: q_copy(&in); break;
		}
	}
	poison(REGION_A, REGION_END - REGION_A, false);
	unpoke();
	FUZZ_CHECK(htest_failures == 0);
	return 0;
}
