/*
 * fuzz_ipc.c - libFuzzer harness for the long IPC message (kernel/
 * ipc_msg.c): a client and a server application, each its own page
 * tables over the host arena, exchange random messages.
 *
 * The client has nine pages: eight at the top of slot 0, the last one
 * the slot's last page, each mapped with random rights (user or not,
 * writable or not, or absent), and one user-writable page just past the
 * slot's end (slot 1), which a client range must never reach.  The
 * server has an area of up to eight pages with random rights, between
 * two canary pages.  Page contents (strings with NULs where the input
 * says) come from the input.  Each step checks a receive area, a call's
 * items, delivers a message that passed, and replies; every result is
 * compared with a model written from ipc_msg.h and docs/gate-abi.md:
 *   - the error code of each check, in the documented order (string,
 *     sizes, send buffer, receive buffer, room);
 *   - a message that passed is delivered without error: the string and
 *     its NUL at area[0], the data at area + IPC_STR_MAX, the registers
 *     (label, length or -1, data length, capacity, 0, 0), and not one
 *     other byte of the server's memory changed;
 *   - a reply is copied only if it fits the receive capacity and its
 *     buffer is readable in the server; then exactly its bytes land in
 *     the client's receive buffer, otherwise no client byte changes.
 *
 *   make fuzz (build/fuzz/fuzz_ipc), tests/host/fuzz/corpus/ipc/
 */
#include "arena.h"
#include "errno.h"
#include "fuzz_input.h"
#include "ipc_msg.h"
#include "memlayout.h"
#include "vm.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int htest_failures; /* arena.c's CHECK()s count here */

#define CPAGES 9
#define CBASE (SLOT_SIZE - 8 * PAGE_SIZE) /* page 8: the next slot's first */
#define SPAGES 10
#define SBASE (0x10000000ull - PAGE_SIZE) /* page 0 and 9: canaries */
#define AREA (SBASE + PAGE_SIZE)

/* A page's rights: 0 absent, else PTE bits (P implied). */
struct side {
	struct uspace u;
	u64 *pml4;
	u64 base;
	unsigned npages;
	u64 flags[SPAGES];
	u64 pa[SPAGES];
	u8 before[SPAGES][PAGE_SIZE]; /* a snapshot */
};

static struct side C, S;

static void build(struct fuzz_in *in, struct side *s, u64 base, unsigned npages)
{
	static const u64 rights[] = {VM_USER | VM_WRITE, VM_USER | VM_WRITE, VM_USER,
				     VM_WRITE, 0};
	s->pml4 = vm_table_virt(vm_table_alloc());
	s->u = (struct uspace){s->pml4, APP_SLOT, false};
	s->base = base;
	s->npages = npages;
	for (unsigned k = 0; k < npages; k++) {
		u8 c = fuzz_u8(in);
		s->flags[k] = c < 160 ? VM_USER | VM_WRITE : rights[c % 5];
		s->pa[k] = pmm_core_alloc(&arena_core);
		FUZZ_CHECK(s->pa[k] != 0);
		u8 *b = phys_to_virt(s->pa[k]);
		/* Contents: a fill byte, then NULs where the input says. */
		u8 fill = fuzz_u8(in);
		memset(b, fill, PAGE_SIZE);
		for (unsigned i = 0; fill && i < 64; i++)
			b[i * 61] = (u8)(fill + i) | 1; /* not all alike */
		for (unsigned n = fuzz_pick(in, 4); n; n--)
			b[fuzz_u16(in) % PAGE_SIZE] = 0;
		if (s->flags[k] || k == npages - 1 || (s == &S && k == 0))
			FUZZ_CHECK(vm_map(s->pml4, base + k * PAGE_SIZE, s->pa[k],
					  s->flags[k] ? s->flags[k] : VM_USER | VM_WRITE) == 0);
		if (!s->flags[k] && (k == npages - 1 || (s == &S && k == 0)))
			s->flags[k] = VM_USER | VM_WRITE; /* the neighbours stay mapped */
	}
}

/* The model: page k of @s's memory, or -1. */
static int page_of(const struct side *s, u64 va)
{
	if (va < s->base || va - s->base >= (u64)s->npages * PAGE_SIZE)
		return -1;
	return (int)((va - s->base) / PAGE_SIZE);
}

static u8 *byte_at(const struct side *s, u64 va)
{
	int k = page_of(s, va);
	return (u8 *)phys_to_virt(s->pa[k]) + (va & (PAGE_SIZE - 1));
}

/* docs/gate-abi.md's order for a buffer of @n bytes at @p. */
static int model_buf(const struct side *s, u64 p, u64 n, bool write)
{
	if (!n)
		return 0;
	if (!p)
		return -E_PTR_NULL;
	if (p >= (1ull << 47) && p < 0xffff800000000000ull)
		return -E_PTR_NONCANONICAL;
	if (p + n < p || p + n == 0)
		return -E_PTR_WRAP;
	if (p >= USER_TOP)
		return -E_PTR_KERNEL;
	if (p + n > SLOT_SIZE) /* slot 0: [0, SLOT_SIZE) */
		return -E_PTR_OTHER_SLOT;
	for (u64 va = ALIGN_DOWN(p, PAGE_SIZE); va < p + n; va += PAGE_SIZE) {
		int k = page_of(s, va);
		if (k < 0 || !(s->flags[k] & VM_USER))
			return -E_PTR_UNMAPPED;
		if (write && !(s->flags[k] & VM_WRITE))
			return -E_PTR_READONLY;
	}
	return 0;
}

/* A string of at most IPC_STR_MAX bytes, NUL included, byte by byte. */
static int model_str(const struct side *s, u64 p, u64 *len)
{
	for (u64 i = 0; i < IPC_STR_MAX; i++) {
		u64 va = p + i;
		if (i == 0 || (va & (PAGE_SIZE - 1)) == 0) {
			if (va == 0 && i)
				return -E_PTR_WRAP;
			int err = model_buf(s, va, 1, false);
			if (err)
				return err;
		}
		if (*byte_at(s, va) == 0) {
			*len = i;
			return 0;
		}
	}
	return -E_PTR_UNTERMINATED;
}

static void snapshot(struct side *s)
{
	for (unsigned k = 0; k < s->npages; k++)
		memcpy(s->before[k], phys_to_virt(s->pa[k]), PAGE_SIZE);
}

/* Lay the part of [lo, hi) (bytes @want) that falls in the page at @va
 * over @page. */
static void overlay(u8 *page, u64 va, u64 lo, u64 hi, const u8 *want)
{
	u64 from = lo > va ? lo : va, to = hi < va + PAGE_SIZE ? hi : va + PAGE_SIZE;
	if (from < to)
		memcpy(page + (from - va), want + (from - lo), to - from);
}

/* Every byte of @s equals its snapshot, but those in [lo1, hi1) and
 * [lo2, hi2), which must equal @want1's and @want2's bytes. */
static void unchanged_but(const struct side *s, u64 lo1, u64 hi1, const u8 *want1,
			  u64 lo2, u64 hi2, const u8 *want2)
{
	static u8 expect[PAGE_SIZE];
	for (unsigned k = 0; k < s->npages; k++) {
		u64 va = s->base + k * PAGE_SIZE;
		memcpy(expect, s->before[k], PAGE_SIZE);
		overlay(expect, va, lo1, hi1, want1);
		overlay(expect, va, lo2, hi2, want2);
		FUZZ_CHECK(memcmp(expect, phys_to_virt(s->pa[k]), PAGE_SIZE) == 0);
	}
}

static u64 pick_client_ptr(struct fuzz_in *in)
{
	switch (fuzz_pick(in, 10)) {
	case 0: return 0;
	case 1: return fuzz_u64(in);
	case 2: return SLOT_SIZE - 1 - fuzz_pick(in, 64); /* the slot's last bytes */
	case 3: return 0xffff800000000000ull;
	default: return CBASE + fuzz_u16(in) % (CPAGES * PAGE_SIZE);
	}
}

static u64 pick_len(struct fuzz_in *in)
{
	switch (fuzz_pick(in, 8)) {
	case 0: return 0;
	case 1: return IPC_BUF_MAX + fuzz_pick(in, 2);
	case 2: return fuzz_u64(in);
	default: return fuzz_u16(in) % (3 * PAGE_SIZE);
	}
}

/* Copy of bytes of @s from @va (the model reads them). */
static void read_bytes(const struct side *s, u64 va, u64 n, u8 *out)
{
	for (u64 i = 0; i < n; i++)
		out[i] = *byte_at(s, va + i);
}

static u8 want_str[IPC_STR_MAX], want_data[8 * PAGE_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};

	arena_reset(40);
	build(&in, &C, CBASE, CPAGES);
	unsigned area_pages = 1 + fuzz_pick(&in, 8);
	build(&in, &S, SBASE, area_pages + 2);
	for (unsigned step = 0; step < 16 && fuzz_more(&in); step++) {
		/* The server's area. */
		u64 area = AREA + (fuzz_u8(&in) < 200 ? 0 : fuzz_u16(&in) % PAGE_SIZE);
		u64 area_size = fuzz_u8(&in) < 200 ? (u64)area_pages * PAGE_SIZE - (area - AREA)
						   : pick_len(&in);
		int want = area_size < IPC_STR_MAX || area_size > IPC_STR_MAX + IPC_BUF_MAX
				   ? -E_RANGE
				   : model_buf(&S, area, area_size, true);
		FUZZ_CHECK(ipc_msg_check_area(&S.u, area, area_size) == want);
		if (want)
			continue;
		/* A call. */
		u64 a[6] = {fuzz_u64(&in), fuzz_u8(&in) & 1 ? 0 : pick_client_ptr(&in),
			    pick_client_ptr(&in), pick_len(&in), pick_client_ptr(&in),
			    pick_len(&in)};
		u64 slen = 0, want_slen = 0;
		const char *what = NULL;
		want = a[1] ? model_str(&C, a[1], &want_slen) : 0;
		if (!want && (a[3] > IPC_BUF_MAX || a[5] > IPC_BUF_MAX))
			want = -E_PTR_TOO_LONG;
		if (!want)
			want = model_buf(&C, a[2], a[3], false);
		if (!want)
			want = model_buf(&C, a[4], a[5], true);
		if (!want && a[3] > area_size - IPC_STR_MAX)
			want = -E_RANGE;
		int err = ipc_msg_check(&C.u, a, area_size, &slen, &what);
		FUZZ_CHECK(err == want);
		FUZZ_CHECK(!err || what != NULL);
		if (err)
			continue;
		FUZZ_CHECK(slen == want_slen && slen < IPC_STR_MAX);
		/* Delivered as laid out, nothing else in the server touched. */
		u64 m[6] = {1, 2, 3, 4, 5, 6};
		if (a[1])
			read_bytes(&C, a[1], slen + 1, want_str);
		FUZZ_CHECK(a[3] <= sizeof(want_data));
		read_bytes(&C, a[2], a[3], want_data);
		snapshot(&S);
		FUZZ_CHECK(ipc_msg_deliver(&S.u, area, &C.u, a, slen, m) == 0);
		unchanged_but(&S, area, area + (a[1] ? slen + 1 : 0), want_str,
			      area + IPC_STR_MAX, area + IPC_STR_MAX + a[3], want_data);
		FUZZ_CHECK(m[0] == a[0] && m[1] == (a[1] ? slen : (u64)-1) && m[2] == a[3] &&
			   m[3] == a[5] && m[4] == 0 && m[5] == 0);
		/* The reply, from anywhere in the server, into the receive
		 * buffer the call checked. */
		u64 reply = fuzz_u8(&in) < 200 ? SBASE + fuzz_u16(&in) % (S.npages * PAGE_SIZE)
					       : fuzz_u64(&in);
		u64 len = fuzz_u8(&in) < 200 ? fuzz_u16(&in) % (a[5] + 2) : pick_len(&in);
		int client_err = 0;
		want = len > a[5] ? -E_RANGE : model_buf(&S, reply, len, false);
		int want_client = len > a[5] ? -E_RANGE : -E_FAULT;
		if (!want)
			read_bytes(&S, reply, len, want_data);
		snapshot(&C);
		err = ipc_msg_reply(&C.u, a[4], a[5], &S.u, reply, len, &client_err);
		FUZZ_CHECK(err == want);
		if (err)
			FUZZ_CHECK(client_err == want_client);
		unchanged_but(&C, a[4], a[4] + (err ? 0 : len), want_data, 0, 0, NULL);
	}
	FUZZ_CHECK(htest_failures == 0);
	return 0;
}
