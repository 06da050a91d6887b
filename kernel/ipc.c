/* ipc.c - the synchronous endpoint (see ipc.h). */
#include "ipc.h"
#include "arch/x86.h"
#include "errno.h"
#include "bootinfo.h"
#include "kernel.h"
#include "kpt.h"
#include "kstring.h"
#include "memlayout.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "view.h"

static struct endpoint {
	bool open;
	struct thread *server;              /* waiting in reply_wait */
	struct syscall_frame *server_frame; /* its registers, for the message */
	struct thread *client;              /* being served */
	struct view *server_view;           /* its application's view */
} ep;

extern void thread_switch(u64 *save_rsp, u64 new_rsp);

/*
 * The fastpath: switch from the running thread to @to without the run
 * queue.  The CPU's PML4 keeps showing the client's view; the server runs
 * on its own PML4 (to->cr3), so going there is one CR3 load and coming
 * back is another.
 */
static void ipc_switch(struct cpu *cpu, struct thread *to)
{
	struct thread *from = cpu->thread;
	from->kstack_top = cpu->kstack_top;
	/* A client leaves its view shown; a server (on its own CR3) keeps the
	 * view it had, its own application's, for the scheduler. */
	if (!from->cr3)
		from->view = cpu->slots.current;
	from->state = THREAD_BLOCKED;
	to->state = THREAD_RUNNING;
	cpu->thread = to;
	if (to->cr3)
		tlb_write_cr3(&cpu->slots.counters, to->cr3);
	else
		slot_cpu_reload(&cpu->slots); /* back to the client's view */
	cpu_set_kernel_stack(cpu, to->kstack_top);
	cpu->counters.thread_switches++;
	thread_switch(&from->saved_rsp, to->saved_rsp);
}

i64 ipc_call(const u64 args[6])
{
	struct cpu *cpu = this_cpu();
	struct thread *server = ep.server;
	if (!ep.open || !server || cpu->thread->cr3)
		return -E_NOENT;
	ep.server = NULL;
	ep.client = cpu->thread;
	memcpy(ep.server_frame->a, args, sizeof(ep.server_frame->a));
	ipc_switch(cpu, server);
	/* The server replied (or the endpoint closed under us). */
	return cpu->thread->ipc_value;
}

/* Make the server's view a whole address space of its own, once. */
static void become_server(struct cpu *cpu, struct thread *t)
{
	struct view *v = cpu->slots.current;
	BUG_ON(!v);
	ep.server_view = v;
	memcpy(v->tables + KERNEL_FIRST_PML4, kernel_pml4 + KERNEL_FIRST_PML4,
	       256 * sizeof(u64));
	t->cr3 = view_own_cr3(&cpu->slots, v);
}

i64 ipc_reply_wait(struct syscall_frame *f, i64 result)
{
	struct cpu *cpu = this_cpu();
	struct thread *t = cpu->thread;

	if (!ep.open || (ep.server && ep.server != t))
		return -E_BUSY;
	if (!t->cr3)
		become_server(cpu, t);
	ep.server_frame = f;
	ep.server = t;
	struct thread *client = ep.client;
	if (client) {
		ep.client = NULL;
		client->ipc_value = result;
		ipc_switch(cpu, client);
	} else {
		/* Nobody to reply to: let the others run until a call comes
		 * (ipc_switch makes us RUNNING) or the close (READY). */
		t->state = THREAD_BLOCKED;
		while (t->state == THREAD_BLOCKED) {
			thread_yield();
			if (t->state == THREAD_BLOCKED) {
				sti_hlt();
				cli();
			}
		}
	}
	/* A call (or the close) woke us. */
	if (!ep.open) {
		/* Back on this CPU's PML4, showing the server's own view again,
		 * for the rest of its life as a plain application. */
		t->cr3 = 0;
		slot_cpu_reload(&cpu->slots);
		view_switch(&cpu->slots, ep.server_view);
		return -E_DEAD;
	}
	return 0;
}

void ipc_open(void) { ep = (struct endpoint){.open = true}; }

void ipc_close(void)
{
	ep.open = false;
	if (ep.server) {
		ep.server->state = THREAD_READY; /* its reply_wait returns -E_DEAD */
		ep.server = NULL;
	}
}

bool ipc_server_waiting(void) { return ep.open && ep.server; }

static void run_server(void *name)
{
	user_run_module(name, 0, NULL, NULL);
}

struct thread *ipc_server_start(const char *name)
{
	ipc_open();
	struct thread *t = thread_create(run_server, (void *)name);
	/* Let it run up to its first reply_wait (bounded: a server that
	 * fails to start ends its thread instead). */
	while (t && !ipc_server_waiting() && t->state != THREAD_DEAD)
		thread_yield();
	if (t && !ipc_server_waiting()) {
		ipc_server_stop(t);
		return NULL;
	}
	return t;
}

void ipc_server_stop(struct thread *server)
{
	ipc_close();
	if (server)
		thread_join(server);
}
