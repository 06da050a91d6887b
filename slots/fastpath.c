/*
 * fastpath.c - the C side of the gate fast path (see fastpath.h; the path
 * itself is stubs/fastpath.asm): the slow path's entry with the reason a
 * call went there, and what the fast path leaves to C - a CR3-mode
 * driver's own address space, and a frame whose driver waits for a
 * restart.  (The slot swap it calls directly: view_switch().)
 */
#include "fastpath.h"
#include "errno.h"
#include "gate_core.h"
#include "percpu.h"
#include "syscall.h"

/* The stub's frame: the ctx first (its callee-saved registers are the
 * caller's), the kernel stack aligned below it. */
_Static_assert(__builtin_offsetof(struct gate_frame, ctx) == 0, "fastpath.asm");
_Static_assert(sizeof(struct gate_frame) % 16 == 0, "the kernel stack stays aligned");

static const char *const miss_names[FASTPATH_MISS_COUNT] = {
	"off", "no_gate", "pointers", "forbidden", "dead", "restart",
	"own_space", "depth", "no_stack",
};

const char *fastpath_miss_name(enum fastpath_miss why) { return miss_names[why]; }

i64 gate_slow(struct gate_frame *room, enum fastpath_miss why)
{
	struct cpu *cpu = this_cpu();
	struct syscall_frame *sf = (struct syscall_frame *)(room + 1);
	u64 number = sf->nr - GATE_SYSCALL_BASE;

	cpu->counters.syscalls++;
	cpu->counters.fastpath_miss[why]++;
	if (number >= GATE_SYSCALL_SPAN)
		return -E_NOSYS;
	return gate_call_user(number, sf->a, sf->rsp);
}

void fastpath_enter_own_space(struct driver *d) { gate_enter_own_space(this_cpu(), d); }

void fastpath_leave_own_space(void) { gate_leave_own_space(this_cpu()); }

void fastpath_leave_unlinked(struct gate_frame *f) { gate_leave_unlinked(this_cpu(), f); }
