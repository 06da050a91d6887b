/*
 * bench.c - the round-trip rows of SPEC §3 that run from an application:
 *   call     a plain call and return in ring 3 (the floor);
 *   syscall  a null SYSCALL/SYSRET round trip (the crossing floor);
 *   slot     a null gate round trip into the null driver in its slot,
 *            under the kernel's flush strategy (reported as slot-FLUSH);
 *   trusted  the same into the same image loaded trusted: shown in every
 *            view, no slot swap, no flush;
 *   allmapped the same into the same image loaded all-mapped: shown in
 *            every view like trusted (pointers would go through windows);
 *   cr3      the same into the same image in CR3 mode: its own address
 *            space, loaded into CR3 (cr3-pcid in PCID builds);
 *   ipc      an L4-style call/reply to a server thread in its own address
 *            space, switched to directly (kernel/ipc.h).
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"

__attribute__((noinline)) static long callee(u64_t x)
{
	__asm__ volatile("" ::: "memory");
	return (long)x & 0;
}

/* A plain call on top of the harness's own (the timer row has that). */
static long plain_call(u64_t p, u64_t i)
{
	(void)p;
	long r = callee(i);
	__asm__ volatile("" ::: "memory"); /* no tail call: a real call/ret */
	return r;
}

static long null_syscall(u64_t p, u64_t i) { (void)p, (void)i; return sys_null(); }

static long gate(u64_t base)
{
	return gate_call(base + NULL_ADD, 1, 2, 3, 4, 5, 6) == 21 ? 0 : -1;
}

static long slot(u64_t p, u64_t i) { (void)p, (void)i; return gate(NULL_GATES); }
static long trusted(u64_t p, u64_t i) { (void)p, (void)i; return gate(NULLT_GATES); }
static long allmapped(u64_t p, u64_t i) { (void)p, (void)i; return gate(NULLA_GATES); }
static long cr3(u64_t p, u64_t i) { (void)p, (void)i; return gate(NULLC_GATES); }

static long ipc(u64_t p, u64_t i)
{
	(void)p, (void)i;
	return syscall6(SYS_IPC_CALL, 1, 2, 3, 4, 5, 6) == 21 ? 0 : -1;
}

BENCH(call, .name = "call", .body = plain_call);
BENCH(syscall, .name = "syscall", .body = null_syscall);
BENCH(slot, .name = "slot", .body = slot);
BENCH(trusted, .name = "trusted", .body = trusted);
BENCH(allmapped, .name = "allmapped", .body = allmapped);
BENCH(cr3, .name = "cr3", .body = cr3);
BENCH(ipc, .name = "ipc", .body = ipc);

long main(u64_t arg) { return bench_main(arg); }
