/* pmm_core.c - bitmap frame allocator (pure C, host-tested). */
#include "pmm.h"
#include "errno.h"
#include "kstring.h"

static bool test_bit(const struct pmm_core *p, u64 f)
{
	return p->bitmap[f / 64] & (1ull << (f % 64));
}

static void set_used(struct pmm_core *p, u64 f, bool used)
{
	if (used)
		p->bitmap[f / 64] |= 1ull << (f % 64);
	else
		p->bitmap[f / 64] &= ~(1ull << (f % 64));
}

void pmm_core_init(struct pmm_core *p, u64 *bitmap, u64 base, u64 frames)
{
	*p = (struct pmm_core){.bitmap = bitmap, .base = base, .frames = frames};
	memset(bitmap, 0xff, PMM_BITMAP_WORDS(frames) * sizeof(u64));
}

/* Frames [first, last) of the range the byte interval covers, clipped. */
static void clip(const struct pmm_core *p, u64 start, u64 end, u64 *first,
		 u64 *last)
{
	u64 lo = start > p->base ? start - p->base : 0;
	u64 hi = end > p->base ? end - p->base : 0;
	*first = MIN(lo / PAGE_SIZE, p->frames);
	*last = MIN(hi / PAGE_SIZE, p->frames);
}

void pmm_core_release(struct pmm_core *p, u64 start, u64 len)
{
	u64 end = start + len < start ? UINT64_MAX : start + len;
	u64 first, last;

	clip(p, ALIGN_UP(start, PAGE_SIZE), ALIGN_DOWN(end, PAGE_SIZE), &first,
	     &last);
	for (u64 f = first; f < last; f++) {
		/* Physical address 0 is never handed out: 0 means "none". */
		if (test_bit(p, f) && p->base + f * PAGE_SIZE != 0) {
			set_used(p, f, false);
			p->free++;
		}
	}
	p->next = 0;
}

void pmm_core_reserve(struct pmm_core *p, u64 start, u64 len)
{
	u64 end = start + len < start ? UINT64_MAX : start + len;
	u64 first, last;

	if (len == 0)
		return;
	clip(p, ALIGN_DOWN(start, PAGE_SIZE),
	     end > UINT64_MAX - PAGE_SIZE ? end : ALIGN_UP(end, PAGE_SIZE),
	     &first, &last);
	for (u64 f = first; f < last; f++) {
		if (!test_bit(p, f)) {
			set_used(p, f, true);
			p->free--;
		}
	}
}

u64 pmm_core_alloc(struct pmm_core *p)
{
	for (u64 w = p->next / 64; w < PMM_BITMAP_WORDS(p->frames); w++) {
		if (p->bitmap[w] == UINT64_MAX)
			continue;
		u64 f = w * 64 + (u64)__builtin_ctzll(~p->bitmap[w]);
		if (f >= p->frames)
			break;
		set_used(p, f, true);
		p->free--;
		p->allocated++;
		p->next = f + 1;
		return p->base + f * PAGE_SIZE;
	}
	p->next = p->frames;
	return 0;
}

int pmm_core_free(struct pmm_core *p, u64 phys)
{
	if (phys < p->base || !IS_ALIGNED(phys, PAGE_SIZE))
		return -E_INVAL;
	u64 f = (phys - p->base) / PAGE_SIZE;
	if (f >= p->frames || !test_bit(p, f) || p->allocated == 0)
		return -E_INVAL;
	set_used(p, f, false);
	p->free++;
	p->allocated--;
	if (f < p->next)
		p->next = f;
	return 0;
}

/* Bits set in @x (the kernel is built without POPCNT, and freestanding:
 * no libgcc helper to fall back on). */
static u64 bits_set(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

u64 pmm_core_take_all(struct pmm_core *p, u64 *mine, u64 words)
{
	u64 n = 0;
	words = MIN(words, PMM_BITMAP_WORDS(p->frames));
	for (u64 w = 0; w < words; w++) {
		u64 free = ~p->bitmap[w]; /* bits past the last frame stay set */
		if (!free)
			continue;
		mine[w] |= free;
		p->bitmap[w] = UINT64_MAX;
		n += bits_set(free);
	}
	p->free -= n;
	p->allocated += n;
	if (words == PMM_BITMAP_WORDS(p->frames))
		p->next = p->frames; /* no frame left below the hint either */
	return n;
}

u64 pmm_core_give_back_marked(struct pmm_core *p, u64 *mine, u64 words)
{
	u64 n = 0;
	words = MIN(words, PMM_BITMAP_WORDS(p->frames));
	for (u64 w = 0; w < words; w++) {
		u64 back = mine[w] & p->bitmap[w]; /* only frames in use */
		mine[w] = 0;
		if (!back)
			continue;
		p->bitmap[w] &= ~back;
		n += bits_set(back);
		p->next = MIN(p->next, w * 64 + (u64)__builtin_ctzll(back));
	}
	p->free += n;
	p->allocated -= n;
	return n;
}
