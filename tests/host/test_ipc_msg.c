/*
 * test_ipc_msg.c - the long IPC message (kernel/ipc_msg.c) between two
 * address spaces over the arena: where the string and the data land, the
 * registers the server gets, each refusal with its code, and a reply
 * that does not fit.  tests/host/fuzz/fuzz_ipc.c does the same at random.
 */
#include "arena.h"
#include "errno.h"
#include "htest.h"
#include "ipc_msg.h"
#include "memlayout.h"
#include "vm.h"

#include <string.h>

#define CSLOT 0 /* the client: an application */
#define SSLOT 0 /* the server: another application, its own tables */

static u64 map_rw(u64 *pml4, u64 va, u64 flags)
{
	u64 pa = pmm_core_alloc(&arena_core);
	CHECK(pa != 0);
	CHECK_EQ(vm_map(pml4, va, pa, flags), 0);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

struct two {
	struct uspace c, s;
	u64 cpage, spage, spage2, ro;
};

/* Client: a page at 0x400000 (rw), a read-only one after it.  Server: an
 * area of two pages at 0x800000. */
static struct two setup(void)
{
	arena_reset(64);
	u64 *cp = vm_table_virt(vm_table_alloc()), *sp = vm_table_virt(vm_table_alloc());
	struct two t = {{cp, CSLOT, false}, {sp, SSLOT, false}, 0, 0, 0, 0};
	t.cpage = map_rw(cp, 0x400000, VM_USER | VM_WRITE);
	t.ro = map_rw(cp, 0x401000, VM_USER);
	t.spage = map_rw(sp, 0x800000, VM_USER | VM_WRITE);
	t.spage2 = map_rw(sp, 0x801000, VM_USER | VM_WRITE);
	return t;
}

HTEST(ipc_msg_layout_string_and_data)
{
	struct two t = setup();
	char *c = phys_to_virt(t.cpage);
	strcpy(c + 16, "path/name");
	for (int i = 0; i < 300; i++)
		c[1000 + i] = (char)(i + 1);
	const u64 a[6] = {77, 0x400010, 0x4003e8, 300, 0x400800, 100};
	u64 slen = 0, m[6] = {0};
	const char *what = NULL;
	CHECK_EQ(ipc_msg_check(&t.c, a, 2 * PAGE_SIZE, &slen, &what), 0);
	CHECK_EQ(slen, 9);
	CHECK_EQ(ipc_msg_deliver(&t.s, 0x800000, &t.c, a, slen, m), 0);
	const char *area = phys_to_virt(t.spage);
	CHECK(strcmp(area, "path/name") == 0);
	CHECK_EQ(area[IPC_STR_MAX], 1);
	CHECK_EQ((u8)area[IPC_STR_MAX + 299], (u8)300);
	CHECK_EQ(area[IPC_STR_MAX + 300], 0); /* nothing past the data */
	CHECK_EQ(m[0], 77);
	CHECK_EQ(m[1], 9);
	CHECK_EQ(m[2], 300);
	CHECK_EQ(m[3], 100);
	/* No string: -1 in its register, the data still at IPC_STR_MAX. */
	const u64 b[6] = {1, 0, 0x4003e8, 4, 0, 0};
	CHECK_EQ(ipc_msg_check(&t.c, b, 2 * PAGE_SIZE, &slen, &what), 0);
	CHECK_EQ(ipc_msg_deliver(&t.s, 0x800000, &t.c, b, slen, m), 0);
	CHECK_EQ(m[1], (u64)-1);
}

HTEST(ipc_msg_refusals_in_order)
{
	struct two t = setup();
	u64 slen;
	const char *what = NULL;
	char *c = phys_to_virt(t.cpage);
	memset(c, 'x', PAGE_SIZE); /* no NUL anywhere in the page */
	const u64 unterminated[6] = {0, 0x400000, 0, 0, 0, 0};
	CHECK_EQ(ipc_msg_check(&t.c, unterminated, PAGE_SIZE, &slen, &what), -E_PTR_UNTERMINATED);
	CHECK(strcmp(what, "string") == 0);
	c[5] = 0;
	const u64 big[6] = {0, 0x400000, 0x400000, IPC_BUF_MAX + 1, 0, 0};
	CHECK_EQ(ipc_msg_check(&t.c, big, PAGE_SIZE, &slen, &what), -E_PTR_TOO_LONG);
	const u64 other[6] = {0, 0, 0x8000000000ull - 8, 16, 0, 0};
	CHECK_EQ(ipc_msg_check(&t.c, other, PAGE_SIZE, &slen, &what), -E_PTR_OTHER_SLOT);
	CHECK(strcmp(what, "send buffer") == 0);
	const u64 ro[6] = {0, 0, 0, 0, 0x401000, 16};
	CHECK_EQ(ipc_msg_check(&t.c, ro, PAGE_SIZE, &slen, &what), -E_PTR_READONLY);
	CHECK(strcmp(what, "receive buffer") == 0);
	const u64 room[6] = {0, 0, 0x400000, PAGE_SIZE - IPC_STR_MAX + 1, 0, 0};
	CHECK_EQ(ipc_msg_check(&t.c, room, PAGE_SIZE, &slen, &what), -E_RANGE);
	CHECK_EQ(ipc_msg_check_area(&t.s, 0x800000, IPC_STR_MAX - 1), -E_RANGE);
	CHECK_EQ(ipc_msg_check_area(&t.s, 0x800000, 3 * PAGE_SIZE), -E_PTR_UNMAPPED);
	CHECK_EQ(ipc_msg_check_area(&t.s, 0x800000, 2 * PAGE_SIZE), 0);
}

HTEST(ipc_msg_reply_fits_or_nothing)
{
	struct two t = setup();
	char *sv = phys_to_virt(t.spage), *c = phys_to_virt(t.cpage);
	memset(sv, 'r', 64);
	memset(c, 0, PAGE_SIZE);
	int client_err = 0;
	CHECK_EQ(ipc_msg_reply(&t.c, 0x400100, 32, &t.s, 0x800000, 33, &client_err), -E_RANGE);
	CHECK_EQ(client_err, -E_RANGE);
	CHECK_EQ(c[0x100], 0); /* nothing copied */
	CHECK_EQ(ipc_msg_reply(&t.c, 0x400100, 32, &t.s, 0x802000, 8, &client_err),
		 -E_PTR_UNMAPPED);
	CHECK_EQ(client_err, -E_FAULT);
	CHECK_EQ(ipc_msg_reply(&t.c, 0x400100, 32, &t.s, 0x800000, 32, &client_err), 0);
	CHECK_EQ(c[0x100 + 31], 'r');
	CHECK_EQ(c[0x100 + 32], 0);
}
