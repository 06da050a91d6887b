/* gate.c - the gate table, gate calls, the return gate and unwinding. */
#include "gate.h"
#include "gate_core.h"
#include "arch/x86.h"
#include "console.h"
#include "driver.h"
#include "flush.h"
#include "errno.h"
#include "kernel.h"
#include "kpt.h"
#include "kstring.h"
#include "ptrclass.h"
#include "window.h"
#include "memlayout.h"
#include "percpu.h"

struct gate gates[GATE_MAX];
u64 gate_refusals;
bool gate_quiet_refusals;

static u8 caller_bit(enum gate_caller kind)
{
	static const u8 bits[] = {GATE_FROM_APP, GATE_FROM_DRIVER, GATE_FROM_KERNEL};
	return bits[kind];
}

struct driver *gate_running_driver(void) { return gate_running_in(this_cpu()); }

i64 gate_register(u64 number, u64 handler, u64 ptr_class, u64 callers)
{
	struct driver *d = gate_running_in(this_cpu());
	return gate_table_register(gates, d, d ? slot_base(d->slot) : 0,
				   DRIVER_IMAGE_SPAN, number, handler, ptr_class,
				   callers);
}

void gate_unregister_all(struct driver *d) { gate_table_unregister_all(gates, d); }

/* gate_switch_into() (gate_core.h) for every case: the thread leaves an
 * address space of its own if it runs on one, and a CR3-mode driver gets
 * its own. */
void gate_switch_into_general(struct cpu *cpu, struct driver *d)
{
	struct thread *t = cpu->thread;
	if (t->own) {
		/* Leave its own address space (an IPC server's, a CR3-mode
		 * driver's) for this CPU's PML4.  A driver shown in every view
		 * is only there, and sees the caller's pointers as they are:
		 * show the caller's own memory with it. */
		slot_cpu_reload(&cpu->slots);
		if (driver_always_shown(d->mode))
			view_switch(&cpu->slots, t->own);
		t->own = NULL;
	}
	if (driver_always_shown(d->mode))
		return;
	if (d->mode == DRIVER_SLOT) {
		view_switch(&cpu->slots, &d->view);
		return;
	}
	gate_enter_own_space(cpu, d);
}

void gate_switch_back_general(struct cpu *cpu, struct gate_frame *f)
{
	struct thread *t = cpu->thread;
	if (t->own && t->own != f->caller_own)
		slot_cpu_reload(&cpu->slots); /* back to this CPU's PML4 */
	view_switch(&cpu->slots, f->caller_view);
	if (f->caller_own && t->own != f->caller_own) {
		t->own = f->caller_own; /* its PCID may have gone meanwhile */
		t->cr3 = view_own_cr3(&cpu->slots, t->own);
		view_load_own(&cpu->slots, t->own, &t->cr3);
	}
	t->own = f->caller_own;
}

/* Run the driver: SYSRET into it, and come back here when it leaves
 * through the return gate, a fault or the watchdog (f->result set). */
static void run_driver(struct cpu *cpu, struct gate_frame *f, u64 rsp,
		       u64 handler, const u64 args[6])
{
	if (ctx_save(&f->ctx) == 0) {
		/* The driver's own syscalls and traps use the stack below us. */
		cpu_set_kernel_stack(cpu, ALIGN_DOWN(read_rsp() - 64, 16));
		driver_enter(f->driver->entry, rsp, handler, args);
	}
}

/* Enter @d at @handler on this thread and wait for it to leave.  @cls
 * says which of @args are pointers into @caller_view (NULL: kernel). */
static i64 enter(struct cpu *cpu, struct driver *d, u64 handler,
		 const u64 args_in[6], const struct ptr_class_desc *cls,
		 struct view *caller_view, struct driver *caller, u64 caller_rsp)
{
	struct thread *t = cpu->thread;
	struct gate_frame f; /* every field but ctx set below: no memset on the path */
	struct window win; /* written by window_open() when cls has pointers */
	u64 rewritten[6];  /* the arguments, pointers rewritten */
	const u64 *args = args_in;

	if (t->gate_depth >= GATE_MAX_DEPTH)
		return -E_NESTING;
	u64 rsp = d->stack_cursor[t->id]; /* the stack exists but the first time */
	if (!rsp)
		rsp = driver_stack(d, t->id);
	if (!rsp)
		return -E_NOMEM;
	if (cls->count) {
		memcpy(rewritten, args_in, sizeof(rewritten));
		args = rewritten;
		int err = window_open(&cpu->slots, &win, cls, rewritten, caller_view,
				      caller_view ? caller_view->tables : kernel_pml4,
				      d->mode == DRIVER_TRUSTED && caller_view ? NULL
									       : &d->view,
				      driver_window_base(d, t->id, t->gate_depth));
		if (err) {
			gate_refusals++;
			if (!gate_quiet_refusals)
				kprintf("gate into %s: pointer refused: %s\n",
					d->name, error_name(err));
			return err;
		}
	}
	f.prev = t->gate_top;
	f.driver = d;
	f.caller = caller;
	f.result = 0;
	f.returned = false;
	if (caller) {
		/* Park the caller's stack cursor below what it uses now, so a
		 * nested entry into the caller continues beneath it. */
		f.caller_cursor = caller->stack_cursor[t->id];
		caller->stack_cursor[t->id] = ALIGN_DOWN(caller_rsp - 128, 16);
		if (caller == d)
			rsp = d->stack_cursor[t->id];
	}
	/* Kernel code runs with IF = 0 (thread.h), so nothing interrupts us
	 * between here and SYSRET: no CLI/STI on the path. */
	f.caller_view = cpu->slots.current;
	f.saved_kstack_top = cpu->kstack_top;
	f.ticks_inside = 0;
	t->gate_top = &f;
	t->gate_depth++;
	d->active++;
	cpu->counters.gate_calls++;
	f.caller_own = t->own;
	gate_switch_into(cpu, d);
	run_driver(cpu, &f, rsp, handler, args);
	/* Back through the return gate or an unwind: f.result is set.  The
	 * thread may have been preempted in the driver and moved to another
	 * CPU meanwhile (thread_move): leave on the one it runs on now. */
	cpu = this_cpu();
	if (cls->count)
		window_close(&cpu->slots, &win, &d->view, f.returned);
	gate_leave(cpu, &f);
	return f.result;
}

static i64 call(u64 number, const u64 args[6], enum gate_caller kind,
		struct driver *caller, u64 caller_rsp)
{
	const struct gate *g;
	i64 err = gate_table_lookup(gates, number, caller_bit(kind), &g);
	if (err)
		return err;
	if (g->driver->dead)
		return -E_DEAD;
	struct cpu *cpu = this_cpu();
	/* Pointers are checked against the caller's own view: a driver's
	 * slot (trusted or not), the application's - its own address space's
	 * if it has one (an IPC server runs there while this CPU's PML4 still
	 * shows its client) - or the kernel's half. */
	struct view *caller_view = kind == GATE_CALLER_KERNEL ? NULL
				 : caller ? &caller->view
				 : cpu->thread->own ? cpu->thread->own
						    : cpu->slots.current;
	return enter(cpu, g->driver, g->handler, args, &ptr_classes[g->ptr_class],
		     caller_view, caller, caller_rsp);
}

i64 gate_call_user(u64 number, const u64 args[6], u64 user_rsp)
{
	struct driver *caller = gate_running_in(this_cpu());
	return call(number, args, caller ? GATE_CALLER_DRIVER : GATE_CALLER_APP,
		    caller, user_rsp);
}

i64 gate_call_kernel(u64 number, const u64 args[6])
{
	return call(number, args, GATE_CALLER_KERNEL, NULL, 0);
}

i64 gate_run_init(struct driver *d)
{
	const u64 args[6] = {d->gate_base};
	return enter(this_cpu(), d, 0, args, &ptr_classes[PTR_NONE], NULL, NULL, 0);
}

i64 gate_return_refused(void)
{
	this_cpu()->counters.syscalls++;
	return -E_PERM;
}

bool gate_driver_fault(struct trap_frame *f, long error)
{
	struct cpu *cpu = this_cpu();
	struct driver *d = gate_running_in(cpu);
	if (!d)
		return false;
	char who[48];
	ksnprintf(who, sizeof(who), "driver %s %s", d->name,
		  error == -E_WATCHDOG ? "watchdog" : "faulted");
	trap_report(who, f, false);
	d->faults++;
	if (d->policy == DRIVER_REFUSE)
		d->dead = true;
	else
		d->restart_pending = true;
	cpu->thread->gate_top->result = error;
	ctx_resume(&cpu->thread->gate_top->ctx, 1);
}

u64 gate_watchdog_ticks = GATE_WATCHDOG_TICKS;

void gate_watchdog(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();
	struct gate_frame *top = cpu->thread->gate_top;

	if ((f->cs & 3) != 3 || !top || !gate_running_in(cpu))
		return;
	/* Ticks that found the driver running, not time since the call:
	 * a thread preempted inside (or moved to another CPU, or waiting
	 * for the big kernel lock) is not charged for the wait. */
	if (++top->ticks_inside < gate_watchdog_ticks)
		return;
	gate_driver_fault(f, -E_WATCHDOG); /* the EOI was sent already */
}
