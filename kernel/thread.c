/* thread.c - kernel threads and the round-robin scheduler (see thread.h). */
#include "thread.h"
#include "arch/x86.h"
#include "bkl.h"
#include "driver.h"
#include "flush.h"
#include "heap.h"
#include "kernel.h"
#include "kstring.h"
#include "percpu.h"
#include "errno.h"
#include "smp.h"

extern void thread_switch(u64 *save_rsp, u64 new_rsp);
extern void thread_start(void);

static struct thread threads[THREAD_MAX];

/* @t, running this CPU's boot context, heads its run queue. */
static void init_cpu_thread(struct thread *t, u64 kstack_top)
{
	struct cpu *cpu = this_cpu();
	t->state = THREAD_RUNNING;
	t->kstack_top = kstack_top;
	t->next = t;
	t->cpu = cpu;
	cpu->thread = t;
}

void thread_init_boot(u64 kstack_top)
{
	threads[0].id = 0;
	init_cpu_thread(&threads[0], kstack_top);
}

static struct thread *alloc_thread(void)
{
	for (unsigned i = 1; i < THREAD_MAX; i++) {
		if (threads[i].state == THREAD_FREE) {
			memset(&threads[i], 0, sizeof(threads[i]));
			threads[i].id = i;
			return &threads[i];
		}
	}
	return NULL;
}

/* Kick one CPU that runs its idle thread, if there is one. */
static void wake_an_idle_cpu(void)
{
	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		struct cpu *o = smp_cpu(i);
		if (o->thread == o->idle) {
			smp_wake(o);
			return;
		}
	}
}

/* Insert @t after the running thread in @cpu's circular run queue. */
static void enqueue_on(struct cpu *cpu, struct thread *t)
{
	struct thread *cur = cpu->thread;
	t->next = cur->next;
	cur->next = t;
	t->cpu = cpu;
	smp_wake(cpu);
	if (t->unpinned)
		wake_an_idle_cpu(); /* it may take @t (steal) */
}

void thread_ready(struct thread *t)
{
	t->state = THREAD_READY;
	smp_wake(t->cpu);
	if (t->unpinned)
		wake_an_idle_cpu();
}

static void enqueue(struct thread *t) { enqueue_on(this_cpu(), t); }

static void dequeue(struct thread *t)
{
	struct thread *p = t;
	while (p->next != t)
		p = p->next;
	p->next = t->next;
	t->next = NULL;
}

struct thread *thread_new_idle(void)
{
	struct thread *t = alloc_thread();
	if (t)
		t->state = THREAD_BLOCKED; /* taken: its CPU starts it */
	return t;
}

void thread_init_ap(void)
{
	struct cpu *cpu = this_cpu();
	init_cpu_thread(cpu->idle, cpu->kstack_top);
}

int thread_spawn(void (*fn)(void *), void *arg, struct thread **out)
{
	struct thread *t = alloc_thread();
	if (!t)
		return -E_NOTHREAD; /* all THREAD_MAX taken (test_exhaust.c) */
	t->stack = kmalloc(THREAD_STACK_SIZE);
	if (!t->stack)
		return -E_NOMEM; /* still THREAD_FREE */
	u64 top = ALIGN_DOWN((u64)t->stack + THREAD_STACK_SIZE, 16);
	t->kstack_top = top;
	/* What thread_switch pops: r15..rbp, then thread_start as the return
	 * address; r12/r13 carry fn and arg. */
	u64 *sp = (u64 *)top - 8;
	memset(sp, 0, 8 * sizeof(u64));
	sp[3] = (u64)fn;  /* r12 */
	sp[2] = (u64)arg; /* r13 */
	sp[6] = (u64)thread_start;
	t->saved_rsp = (u64)sp;
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_READY;
	enqueue(t);
	*out = t;
	return 0;
}

struct thread *thread_create(void (*fn)(void *), void *arg)
{
	struct thread *t;
	return thread_spawn(fn, arg, &t) == 0 ? t : NULL;
}

/* @prev, just switched out, goes to the run queue it was asked to move
 * to.  Safe before its context is saved: no other CPU can pick it until
 * this one drops the big kernel lock, which it holds across the switch
 * (bkl.h). */
static void move_switched_out(struct thread *prev)
{
	struct cpu *to = prev->move_to;
	prev->move_to = NULL;
	if (prev->state == THREAD_DEAD || to == prev->cpu)
		return;
	/* Ready or blocked alike: a blocked thread is woken where it is
	 * queued (thread_ready kicks that CPU). */
	dequeue(prev);
	enqueue_on(to, prev);
}

/* Switch from the running thread to @next, carrying the per-thread parts
 * of the CPU state: the view shown and the kernel stack for ring 3. */
static void switch_to(struct cpu *cpu, struct thread *next)
{
	struct thread *prev = cpu->thread;

	prev->view = cpu->slots.current;
	prev->kstack_top = cpu->kstack_top;
	if (prev->state == THREAD_RUNNING)
		prev->state = THREAD_READY;
	next->state = THREAD_RUNNING;
	cpu->thread = next;
	if (prev->move_to)
		move_switched_out(prev);
	if (prev->own) /* it ran on an address space of its own */
		slot_cpu_reload(&cpu->slots);
	view_switch(&cpu->slots, next->view);
	if (next->own)
		view_load_own(&cpu->slots, next->own, &next->cr3);
	cpu_set_kernel_stack(cpu, next->kstack_top);
	cpu->counters.thread_switches++;
	thread_switch(&prev->saved_rsp, next->saved_rsp);
}

/* The next ready thread after @cur in its CPU's queue; an AP's idle
 * thread only when no other is ready. */
static struct thread *pick_next(struct thread *cur)
{
	struct thread *idle = cur->cpu->idle;
	for (struct thread *t = cur->next; t != cur; t = t->next)
		if (t->state == THREAD_READY && t != idle)
			return t;
	return idle && idle != cur && idle->state == THREAD_READY ? idle : NULL;
}

void thread_yield(void)
{
	struct cpu *cpu = this_cpu();
	u64 flags = read_rflags();
	cli();
	struct thread *next = pick_next(cpu->thread);
	if (next)
		switch_to(cpu, next);
	if (flags & RFLAGS_IF)
		sti();
}

void thread_preempt(void)
{
	struct cpu *cpu = this_cpu();
	struct thread *next = pick_next(cpu->thread);
	if (!next)
		return;
	if (cpu->thread->gate_depth)
		cpu->counters.preempted_in_driver++;
	switch_to(cpu, next);
}

__attribute__((noreturn)) void thread_main(void (*fn)(void *), void *arg);

void thread_main(void (*fn)(void *), void *arg)
{
	/* Kernel code runs with IF = 0 (thread.h): preemption only in ring 3
	 * and in sti_hlt(). */
	fn(arg);
	cli();
	struct cpu *cpu = this_cpu();
	struct thread *t = cpu->thread;
	BUG_ON(t->gate_depth || t->user);
	t->state = THREAD_DEAD;
	/* Whoever joins it may wait halted on another CPU, which has no
	 * timer during the bench: wake them all (a thread ends rarely). */
	for (unsigned i = 0; i < smp_cpus_online(); i++)
		smp_wake(smp_cpu(i));
	struct thread *next = pick_next(t);
	BUG_ON(!next); /* the boot thread never dies */
	switch_to(cpu, next);
	panic("dead thread %u resumed", t->id);
}

void thread_join(struct thread *t)
{
	while (t->state != THREAD_DEAD) {
		thread_yield(); /* give @t the CPU at once, if it is ready */
		if (t->state != THREAD_DEAD)
			kernel_wait(); /* else wait for the timer */
	}
	cli();
	dequeue(t);
	drivers_release_thread(t->id);
	kfree(t->stack);
	t->state = THREAD_FREE;
}

void thread_adopt(struct thread *t)
{
	struct cpu *cpu = this_cpu();
	if (t->cpu == cpu)
		return;
	BUG_ON(t->state == THREAD_RUNNING);
	dequeue(t);
	enqueue_on(cpu, t);
}

int thread_move(struct thread *t, struct cpu *to)
{
	if (!t || !to || t->state == THREAD_FREE || t->state == THREAD_DEAD)
		return -E_INVAL;
	if (t->id == 0 || t == t->cpu->idle)
		return -E_PERM; /* a CPU's boot thread stays */
	if (t->cpu == to)
		return 0;
	if (t->state == THREAD_RUNNING) {
		t->move_to = to; /* at its next switch (move_switched_out) */
		if (t == this_cpu()->thread)
			thread_yield();
		return 0;
	}
	dequeue(t);
	enqueue_on(to, t);
	return 0;
}

i64 thread_pin(struct thread *t, i64 cpu)
{
	if (cpu == -1) {
		t->unpinned = true;
		if (t->state == THREAD_READY)
			wake_an_idle_cpu();
		return t->cpu->id;
	}
	if (cpu < 0 || cpu >= (i64)smp_cpus_online())
		return -E_INVAL;
	int err = thread_move(t, smp_cpu((unsigned)cpu));
	if (!err)
		t->unpinned = false;
	return err ? err : cpu;
}

/* Balancing, from an idle CPU: take a ready, unpinned thread from another
 * CPU that is busy with something else (under the big kernel lock, so
 * every queue holds still).  Counted in cpu->counters.migrations. */
static bool steal(struct cpu *cpu)
{
	for (unsigned i = 0; i < smp_cpus_online(); i++) {
		struct cpu *o = smp_cpu(i);
		if (o == cpu || o->thread == o->idle)
			continue;
		for (struct thread *t = o->thread->next; t != o->thread; t = t->next)
			if (t->state == THREAD_READY && t->unpinned && t != o->idle &&
			    t->id != 0) {
				dequeue(t);
				enqueue_on(cpu, t);
				cpu->counters.migrations++;
				return true;
			}
	}
	return false;
}

/* An idle AP halts without the big kernel lock and takes it only when
 * kicked (smp_wake: a thread was queued or woken for it) or, as a safety
 * net, once every IDLE_POLL_TICKS timer ticks; its timer ticks meanwhile
 * take no lock (trap.c), so idle CPUs do not contend with busy ones. */
#define IDLE_POLL_TICKS 10

void thread_idle_loop(void)
{
	struct cpu *cpu = this_cpu();
	for (;;) {
		if (!pick_next(cpu->thread))
			steal(cpu);
		thread_yield();
		bkl_release();
		u64 until = cpu->counters.timer_ticks + IDLE_POLL_TICKS;
		while (!__atomic_exchange_n(&cpu->kicked, 0, __ATOMIC_ACQUIRE) &&
		       cpu->counters.timer_ticks < until)
			sti_hlt(), cli();
		bkl_acquire();
	}
}

bool thread_in_use(unsigned id)
{
	return id < THREAD_MAX && threads[id].state != THREAD_FREE;
}

unsigned thread_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < THREAD_MAX; i++)
		n += threads[i].state != THREAD_FREE;
	return n;
}
