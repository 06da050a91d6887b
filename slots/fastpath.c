/*
 * fastpath.c - the C side of the gate fast path (see fastpath.h; the path
 * itself is stubs/fastpath.asm): the slow path's entry with the reason a
 * call went there, and the two calls the fast path makes into C - the
 * swap, by the build's strategy, and leaving the frame.
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
/* One compare tests both (fastpath.asm reads them apart today). */
_Static_assert(__builtin_offsetof(struct driver, restart_pending) ==
		       __builtin_offsetof(struct driver, dead) + 1,
	       "dead and restart_pending side by side");

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
