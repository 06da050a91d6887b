/* ipc.c - the synchronous endpoint (see ipc.h). */
#include "ipc.h"
#include "bkl.h"
#include "ipc_endpoint.h"
#include "arch/x86.h"
#include "errno.h"
#include "bootinfo.h"
#include "console.h"
#include "kernel.h"
#include "kpt.h"
#include "kstring.h"
#include "memlayout.h"
#include "percpu.h"
#include "thread.h"
#include "user.h"
#include "ipc_msg.h"
#include "uspace.h"
#include "flush.h"
#include "view.h"
#include "slotgate/abi.h"

struct endpoint ipc_ep;

extern void thread_switch(u64 *save_rsp, u64 new_rsp);
extern void ipc_handoff(u64 *save_rsp, struct ipc_frame *to, i64 result);

/*
 * The switch from the running thread to @to, without the run queue (as
 * seL4's fastpath).  The CPU's PML4 keeps showing the client's view; the
 * server runs on its own PML4 (to->cr3), so going there is one CR3 load
 * and coming back is another.
 *
 * The running thread's kernel context is saved as thread_switch() saves
 * it.  @to_frame: @to waits in a short IPC call from ring 3, which saved
 * all its registers (struct ipc_frame); it goes straight back to ring 3
 * from there with @result (ipc_handoff, stubs/switch.asm), its kernel
 * frames below left as they are: they would only have returned that
 * result.  Otherwise thread_switch() resumes @to's kernel context.
 *
 * The fast path (stubs/ipc_fastpath.asm) does the rest of the common
 * case, a short call from ring 3 meeting a short server and its reply:
 * the thread that blocks keeps no kernel context at all there.  What
 * reaches this function is every other case (a kernel client, long IPC,
 * a server's first wait).
 */
static void ipc_switch(struct cpu *cpu, struct thread *to, struct ipc_frame *to_frame,
		       i64 result)
{
	struct thread *from = cpu->thread;
	thread_adopt(to); /* the partner runs here: the server migrates */
	from->kstack_top = cpu->kstack_top;
	/* A client leaves its view shown; a server (on its own CR3) keeps the
	 * view it had, its own application's, for the scheduler. */
	if (!from->own)
		from->view = cpu->slots.current;
	from->state = THREAD_BLOCKED;
	to->state = THREAD_RUNNING;
	cpu->thread = to;
	if (to->own)
		view_load_own(&cpu->slots, to->own, &to->cr3);
	else
		slot_cpu_reload(&cpu->slots); /* back to the client's view */
	cpu_set_kernel_stack(cpu, to->kstack_top);
	cpu->counters.thread_switches++;
	if (to_frame)
		ipc_handoff(&from->saved_rsp, to_frame, result);
	else
		thread_switch(&from->saved_rsp, to->saved_rsp);
}

/* The waiting server's registers, when it waits in the short reply_wait:
 * that system call always enters with a struct ipc_frame (syscall.asm). */
static struct ipc_frame *short_server_frame(void)
{
	if (ipc_ep.server_frame->nr != SYS_IPC_REPLY_WAIT)
		return NULL; /* the long reply_wait: a plain system call frame */
	return (struct ipc_frame *)((u8 *)ipc_ep.server_frame -
				    __builtin_offsetof(struct ipc_frame, sys));
}

/* Send @args to the waiting server and wait for its reply; @frame: the
 * client's registers (a short call from ring 3), or NULL (kernel code). */
/* The server is serving another client, on another CPU: wait for it to
 * wait again, spinning (bkl_pause): the server's reply_wait - in the fast
 * path too - sets it waiting without waking anyone. */
static void wait_server_free(void)
{
	while (ipc_ep.open && !ipc_ep.server && ipc_ep.client)
		bkl_pause();
}

static i64 call_server(const u64 args[6], struct ipc_frame *frame)
{
	wait_server_free();
	struct cpu *cpu = this_cpu();
	struct thread *server = ipc_ep.server;
	if (!ipc_ep.open || !server || cpu->thread->own)
		return -E_NOENT;
	ipc_ep.server = NULL;
	ipc_ep.client = cpu->thread;
	ipc_ep.client_frame = frame;
	u64 *m = ipc_ep.server_frame->a; /* six stores, no loop, no memcpy call */
	m[0] = args[0], m[1] = args[1], m[2] = args[2];
	m[3] = args[3], m[4] = args[4], m[5] = args[5];
	ipc_switch(cpu, server, short_server_frame(), 0);
	/* The server replied (or the endpoint closed under us). */
	return cpu->thread->ipc_value;
}

i64 ipc_call(const u64 args[6]) { return call_server(args, NULL); }

/* Make the server's view a whole address space of its own, once.  Always
 * inlined: with a second caller (the long path) GCC would call it, and
 * the short path's code - held by its budget - would change. */
static inline __attribute__((always_inline)) void become_server(struct cpu *cpu, struct thread *t)
{
	struct view *v = cpu->slots.current;
	BUG_ON(!v);
	ipc_ep.server_view = v;
	memcpy(v->tables + KERNEL_FIRST_PML4, kernel_pml4 + KERNEL_FIRST_PML4,
	       256 * sizeof(u64));
	t->own = v;
	t->cr3 = view_own_cr3(&cpu->slots, v); /* loaded by view_load_own */
}

/* Block until a call (RUNNING) or the close (READY) wakes @t. */
static void wait_for_call(struct thread *t)
{
	t->state = THREAD_BLOCKED;
	while (t->state == THREAD_BLOCKED) {
		thread_yield();
		if (t->state == THREAD_BLOCKED) {
			kernel_wait();
		}
	}
}

/* The endpoint closed while server @t waited: it runs on this CPU's PML4
 * showing its own view again, a plain application for the rest of its
 * life; its reply_wait returns -E_DEAD. */
static i64 server_closed(struct cpu *cpu, struct thread *t)
{
	t->own = NULL;
	slot_cpu_reload(&cpu->slots);
	view_switch(&cpu->slots, ipc_ep.server_view);
	return -E_DEAD;
}

/* Reply @result to the waiting client, if any, then wait for the next
 * call or the close: 0, or -E_DEAD once closed.  Inlined into both
 * reply_waits. */
static inline __attribute__((always_inline)) i64
reply_and_wait(struct cpu *cpu, struct thread *t, struct syscall_frame *f, i64 result)
{
	ipc_ep.server_frame = f;
	ipc_ep.server = t;
	struct thread *client = ipc_ep.client;
	if (client) {
		ipc_ep.client = NULL;
		client->ipc_value = result;
		ipc_switch(cpu, client, ipc_ep.client_frame, result);
	} else {
		wait_for_call(t);
	}
	if (!ipc_ep.open)
		return server_closed(cpu, t);
	return 0;
}

i64 ipc_reply_wait(struct ipc_frame *f)
{
	struct cpu *cpu = this_cpu();
	struct thread *t = cpu->thread;

	if (!ipc_ep.open || (ipc_ep.server && ipc_ep.server != t))
		return -E_BUSY;
	if (!t->own)
		become_server(cpu, t);
	return reply_and_wait(cpu, t, &f->sys, (i64)f->sys.a[0]);
}

i64 ipc_woken(struct ipc_frame *f)
{
	struct thread *t = this_cpu()->thread;
	if (f->sys.nr == SYS_IPC_CALL)
		return t->ipc_value; /* the reply, or -E_DEAD from the close */
	/* A server waiting with no kernel context (it replied by the fast
	 * path) is woken by a call through its registers, never by the
	 * scheduler - but after the close (ipc_close makes it ready). */
	BUG_ON(ipc_ep.open);
	return server_closed(this_cpu(), t);
}

/* The numbers between the plain calls and the gates, but the return gate
 * (stubs/syscall.asm): the short IPC calls, with every register saved. */
i64 ipc_syscall(struct ipc_frame *f)
{
	struct cpu *cpu = this_cpu();

	cpu->counters.syscalls++;
	/* IPC belongs to an application's own thread of control: a driver
	 * runs on borrowed threads and may not block them (syscall.c). */
	if (f->sys.nr == SYS_IPC_CALL)
		return cpu->thread->gate_top ? -E_PERM : call_server(f->sys.a, f);
	if (f->sys.nr == SYS_IPC_REPLY_WAIT)
		return cpu->thread->gate_top ? -E_PERM : ipc_reply_wait(f);
	return -E_NOSYS;
}

void ipc_fast_load_server(struct thread *to)
{
	view_load_own(&this_cpu()->slots, to->own, &to->cr3);
}

void ipc_fast_load_client(void) { slot_cpu_reload(&this_cpu()->slots); }

void ipc_open(void) { ipc_ep = (struct endpoint){.open = true}; }

void ipc_close(void)
{
	ipc_ep.open = false;
	if (ipc_ep.server) {
		/* The scheduler resumes it: with no view on this CPU's PML4 -
		 * the one it saved may be a client's that has gone since (it
		 * shows its own again as it leaves reply_wait). */
		ipc_ep.server->view = NULL;
		thread_ready(ipc_ep.server); /* its reply_wait returns -E_DEAD */
		ipc_ep.server = NULL;
	}
	if (ipc_ep.client) {
		/* A server gone without replying: its client is not left
		 * blocked for ever. */
		ipc_ep.client->ipc_value = -E_DEAD;
		thread_ready(ipc_ep.client);
		ipc_ep.client = NULL;
	}
}

bool ipc_server_waiting(void) { return ipc_ep.open && ipc_ep.server; }

/* The server's program has ended - killed by a fault, or exited outside
 * reply_wait: the client it was serving gets -E_DEAD instead of waiting
 * for ever, and the endpoint takes no more calls. */
static void server_ended(void)
{
	ipc_ep.open = false;
	ipc_ep.server = NULL;
	if (ipc_ep.client) {
		ipc_ep.client->ipc_value = -E_DEAD;
		thread_ready(ipc_ep.client);
		ipc_ep.client = NULL;
		ipc_ep.long_client = NULL;
	}
}

static void run_server(void *name)
{
	user_run_module(name, 0, NULL, NULL);
	server_ended();
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

/* --- Long IPC ------------------------------------------------------------- */

/* One log line per refusal, and the error. */
static int refused(const char *who, const char *what, int err)
{
	kprintf("ipc: %s %s refused: %s\n", who, what, error_name(err));
	return err;
}

static struct uspace server_space(void)
{
	return (struct uspace){ipc_ep.server_view->tables, ipc_ep.server_view->slot, false};
}

/* The client's items, checked in its own view before the server wakes
 * (ipc_msg.h): the string's length in *slen. */
static int check_items(const struct uspace *c, const u64 a[6], u64 *slen)
{
	const char *what = NULL;
	int err = ipc_msg_check(c, a, ipc_ep.area_size, slen, &what);
	return err ? refused("client", what, err) : 0;
}

/* Copy the checked items into the server's area; its registers get the
 * message. */
static int deliver(const struct uspace *c, const u64 a[6], u64 slen)
{
	struct uspace s = server_space();
	int err = ipc_msg_deliver(&s, ipc_ep.area, c, a, slen, ipc_ep.server_frame->a);
	if (err) /* the area was checked: a page went away under it */
		return refused("server", "receive area", err);
	return 0;
}

i64 ipc_call_long(const u64 a[6])
{
	struct cpu *cpu = this_cpu();
	struct thread *self = cpu->thread, *server = ipc_ep.server;
	struct view *cv = cpu->slots.current;
	u64 slen = 0;
	int err;

	if (!ipc_ep.open || !server || self->own)
		return -E_NOENT;
	if (!self->user || !cv)
		return -E_PERM;
	if (ipc_ep.server_frame->nr != SYS_IPC_REPLY_WAIT_LONG)
		return refused("long call", "by a short server", -E_PROTO);
	struct uspace c = {cv->tables, cv->slot, false};
	if ((err = check_items(&c, a, &slen)) != 0 ||
	    (err = deliver(&c, a, slen)) != 0)
		return err;
	ipc_ep.long_client = self;
	ipc_ep.client_space = c;
	ipc_ep.recv = a[4];
	ipc_ep.recv_cap = a[5];
	ipc_ep.server = NULL;
	ipc_ep.client = self;
	ipc_ep.client_frame = NULL; /* its reply comes by the long path */
	ipc_switch(cpu, server, NULL, 0);
	return cpu->thread->ipc_value;
}

/* The server's receive area, checked once per (address, size). */
static int check_area(u64 area, u64 size)
{
	if (ipc_ep.area_ok && area == ipc_ep.area && size == ipc_ep.area_size)
		return 0;
	ipc_ep.area_ok = false;
	struct uspace s = server_space();
	int err = ipc_msg_check_area(&s, area, size);
	if (err)
		return err;
	ipc_ep.area = area;
	ipc_ep.area_size = size;
	ipc_ep.area_ok = true;
	return 0;
}

/*
 * Copy the long client's reply into its receive buffer.  If that fails,
 * the server hears at once and the client keeps waiting: it gets its
 * error (E_FAULT, or E_RANGE for a reply over its room) when the server
 * waits again, whatever that reply_wait says - so the server is back in
 * reply_wait before the client can call again.  0, or the server's error.
 */
static int reply_items(u64 reply, u64 len, i64 *result)
{
	struct uspace s = server_space();
	int err, client_err;

	if (ipc_ep.client_err) {
		*result = ipc_ep.client_err;
		ipc_ep.client_err = 0;
		ipc_ep.long_client = NULL;
		return 0;
	}
	err = ipc_msg_reply(&ipc_ep.client_space, ipc_ep.recv, ipc_ep.recv_cap, &s,
			    reply, len, &client_err);
	if (!err) {
		ipc_ep.long_client = NULL;
		return 0;
	}
	ipc_ep.client_err = client_err;
	return refused("server", "reply", err);
}

/* Reply @result to the client (if any) and wait until a long call comes;
 * short calls get E_PROTO meanwhile.  As ipc_reply_wait() otherwise. */
static i64 serve_long(struct cpu *cpu, struct thread *t, struct syscall_frame *f,
		      i64 result)
{
	for (;;) {
		if (reply_and_wait(cpu, t, f, result))
			return -E_DEAD;
		if (ipc_ep.client == ipc_ep.long_client)
			return 0;
		result = refused("short call", "by a long server", -E_PROTO);
	}
}

i64 ipc_reply_wait_long(struct syscall_frame *f)
{
	struct cpu *cpu = this_cpu();
	struct thread *t = cpu->thread;
	i64 result = (i64)f->a[0];
	int err;

	if (!ipc_ep.open || (ipc_ep.server && ipc_ep.server != t))
		return -E_BUSY;
	if (!t->own)
		become_server(cpu, t);
	if ((err = check_area(f->a[3], f->a[4])) != 0)
		return refused("server", "receive area", err);
	if (ipc_ep.client && ipc_ep.client == ipc_ep.long_client &&
	    (err = reply_items(f->a[1], f->a[2], &result)) != 0)
		return err;
	return serve_long(cpu, t, f, result);
}
