/*
 * fastpath.c - the gate fast path (see fastpath.h), after seL4's
 * fastpath.c: check everything the common case needs in one pass, fall
 * back to the general path at the first doubt, and enter the driver
 * without a C call chain left behind on the kernel stack.
 *
 * The slow path (gate.c enter()) keeps its frame in its own C frame and
 * waits there, in run_driver(), for the driver to leave.  The fast path
 * keeps nothing on the stack but the frame itself: the stub reserved it
 * below the caller's saved registers, and the driver's own system calls
 * and traps land below it.  When the driver leaves, its frame's ctx takes
 * the CPU to fastpath_exit, which leaves the frame as the slow path does
 * (gate_leave) and returns to the caller from the saved registers.
 */
#include "fastpath.h"
#include "errno.h"
#include "gate_core.h"
#include "kernel.h"
#include "percpu.h"
#include "ptrclass.h"

/* The stub's frame layout (stubs/percpu.inc): the frame where it
 * reserved it, ctx first, the caller's callee-saved registers in it. */
_Static_assert(sizeof(struct gate_frame) == FASTPATH_FRAME_SIZE, "percpu.inc");
_Static_assert(FASTPATH_FRAME_SIZE % 16 == 0, "the kernel stack stays aligned");
_Static_assert(__builtin_offsetof(struct gate_frame, ctx) == 0 &&
		       __builtin_offsetof(struct gate_frame, result) == 120,
	       "percpu.inc");
_Static_assert(__builtin_offsetof(struct jmp_ctx, rbx) == 0 &&
		       __builtin_offsetof(struct jmp_ctx, r15) == 40,
	       "percpu.inc");

/* Where a fast frame's ctx resumes (stubs/syscall.asm). */
extern void fastpath_exit(void);

static const char *const miss_names[FASTPATH_MISS_COUNT] = {
	"off", "no_gate", "pointers", "forbidden", "dead", "restart",
	"own_space", "depth", "no_stack",
};

const char *fastpath_miss_name(enum fastpath_miss why) { return miss_names[why]; }

/* Out of line: the common case pays nothing for the counting. */
static __attribute__((noinline, cold)) void missed(struct cpu *cpu, enum fastpath_miss why)
{
	cpu->counters.fastpath_miss[why]++;
}

/*
 * Enter the driver of gate @number for the caller whose registers are in
 * @sf, recording frame @f - or return, having entered nothing, when any
 * condition of the common case fails: the slow path then does the call.
 * Every check reads state that only this thread or kernel code with
 * interrupts off changes (one CPU; kernel code runs with IF = 0), so
 * nothing checked here can change before the SYSRET.
 */
static inline void fast_call(struct cpu *cpu, struct gate_frame *f,
			     const struct syscall_frame *sf, u64 number)
{
	struct thread *t = cpu->thread;

	if (number >= GATE_MAX)
		return missed(cpu, FASTPATH_MISS_NO_GATE);
	const struct gate *g = &gates[number];
	struct driver *d = g->driver;
	if (!d)
		return missed(cpu, FASTPATH_MISS_NO_GATE);
	/* Pointers need windows opened and closed around the call. */
	if (g->ptr_class != PTR_NONE)
		return missed(cpu, FASTPATH_MISS_POINTERS);
	/* The same caller class the slow path finds (gate_call_user). */
	struct driver *caller = gate_running_in(cpu);
	if (!(g->callers & (caller ? GATE_FROM_DRIVER : GATE_FROM_APP)))
		return missed(cpu, FASTPATH_MISS_FORBIDDEN);
	if (d->dead)
		return missed(cpu, FASTPATH_MISS_DEAD);
	/* A driver that faulted while other threads were inside is reloaded
	 * when the last leaves; the slow path decides about entering it. */
	if (d->restart_pending)
		return missed(cpu, FASTPATH_MISS_RESTART);
	/* On this CPU's PML4: then the caller's memory is the view shown
	 * (cpu->slots.current), all gate_switch_back() must restore, and
	 * the caller has no own space for the frame to remember. */
	if (t->own)
		return missed(cpu, FASTPATH_MISS_OWN_SPACE);
	if (t->gate_depth >= GATE_MAX_DEPTH)
		return missed(cpu, FASTPATH_MISS_DEPTH);
	/* Mapping a stack can fail and allocates: the slow path's job. */
	u64 rsp = d->stack_cursor[t->id];
	if (!rsp)
		return missed(cpu, FASTPATH_MISS_NO_STACK);

	/* The frame, as enter() records it.  f->result is written by
	 * whoever resumes the frame (gate_return, gate_driver_fault) before
	 * it is read; f->returned is read only by the slow path's windows. */
	f->prev = t->gate_top;
	f->driver = d;
	f->caller = caller;
	f->caller_own = NULL; /* t->own is NULL: checked above */
	if (caller) {
		/* Park the caller's stack cursor below what it uses now, so a
		 * nested entry into the caller continues beneath it. */
		f->caller_cursor = caller->stack_cursor[t->id];
		caller->stack_cursor[t->id] = ALIGN_DOWN(sf->rsp - 128, 16);
		if (caller == d)
			rsp = d->stack_cursor[t->id];
	}
	f->caller_view = cpu->slots.current;
	f->saved_kstack_top = cpu->kstack_top;
	f->entry_tick = cpu->counters.timer_ticks;
	f->ctx.rsp = (u64)f; /* the stub stored the callee-saved registers */
	f->ctx.rip = (u64)fastpath_exit;
	t->gate_top = f;
	t->gate_depth++;
	d->active++;
	cpu->counters.gate_calls++;
	cpu->counters.fastpath_calls++;
	/* The swap: the build's flush strategy, the same code as the slow
	 * path's (view_switch -> flush_*_switch). */
	gate_switch_into(cpu, d);
	/* The driver's system calls and traps land below the frame. */
	cpu_set_kernel_stack(cpu, (u64)f);
	driver_enter(d->entry, rsp, g->handler, sf->a);
}

i64 gate_syscall(struct gate_frame *room, struct syscall_frame *sf)
{
	struct cpu *cpu = this_cpu();
	u64 number = sf->nr - GATE_SYSCALL_BASE;

	cpu->counters.syscalls++;
	if (number >= GATE_SYSCALL_SPAN)
		return -E_NOSYS;
	if (FASTPATH)
		fast_call(cpu, room, sf, number); /* returns only to fall back */
	else
		missed(cpu, FASTPATH_MISS_OFF);
	return gate_call_user(number, sf->a, sf->rsp);
}

void fastpath_leave(struct gate_frame *f)
{
	gate_leave(this_cpu(), f);
}
