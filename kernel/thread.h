/*
 * thread.h - kernel threads and the scheduler.
 *
 * A thread is a kernel stack and a saved context; it may run ring-3 code
 * (an application, or a driver through a gate) on the way.  Its state
 * includes the view it shows (cpu->slots.current while it runs) and its
 * gate chain, so a thread preempted inside a driver resumes inside it
 * with the driver's view.  Scheduling is preemptive round robin on the
 * LAPIC timer over a per-CPU run queue; a gate call never goes through
 * it (thread migration).
 *
 * Preemption happens only where the interrupted code had IF set: ring 3,
 * or kernel code waiting in kernel_wait().  Kernel code otherwise runs
 * with interrupts off and holds the big kernel lock (bkl.h), so it needs
 * no other lock.  Each CPU has its own queue; a thread moves between
 * them by thread_move() (affinity) or when an IPC partner on another CPU
 * takes it over (thread_adopt); an AP with nothing ready runs its idle
 * thread, which halts.
 */
#ifndef SLOTGATE_THREAD_H
#define SLOTGATE_THREAD_H

#include "types.h"

#define THREAD_MAX 32 /* the APs' idle threads among them */
#define THREAD_STACK_SIZE (16u << 10)

struct gate_frame;
struct user_run;
struct view;

enum thread_state {
	THREAD_FREE, THREAD_READY, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD
};

struct thread {
	unsigned id;                  /* 0 .. THREAD_MAX-1; 0 is the boot thread */
	enum thread_state state;
	u64 saved_rsp;                /* while switched out (stubs/switch.asm) */
	u8 *stack;                    /* kernel stack (NULL for the boot thread) */
	u64 kstack_top;               /* cpu->kstack_top while this thread runs */
	struct view *view;            /* the view it shows, while switched out */
	struct gate_frame *gate_top;  /* innermost gate, NULL outside drivers */
	unsigned gate_depth;
	struct user_run *user;        /* the application it runs, if any */
	struct view *own;             /* on an address space of its own (a
					 CR3-mode driver's, an IPC server's):
					 the view whose PML4 it runs on; NULL =
					 this CPU's PML4 */
	u64 cr3;                      /* own's CR3 (view_own_cr3), kept and
					 refreshed by view_load_own (flush.h)
					 when own's PCID has gone meanwhile */
	i64 ipc_value;                /* the reply an IPC client gets */
	void (*fn)(void *);
	void *arg;
	struct thread *next;          /* run queue */
	struct cpu *cpu;              /* whose run queue it is in */
	struct cpu *move_to;          /* set: move there at its next switch */
	bool unpinned;                /* an idle CPU may take it (thread_pin) */
};

/* Make the boot context thread 0 of this CPU. */
void thread_init_boot(u64 kstack_top);
/* A thread for an AP's idle thread (the BSP reserves it, smp.c), or
 * NULL; the AP makes its boot context that thread, run only when nothing
 * else is ready, with thread_init_ap(). */
struct thread *thread_new_idle(void);
void thread_init_ap(void);
/* An AP's life once started: run what is ready, else halt. */
__attribute__((noreturn)) void thread_idle_loop(void);
/* Put @t (not running) into this CPU's run queue: an IPC partner woken
 * here from another CPU's queue (ipc.c migrates the server, not the
 * call). */
void thread_adopt(struct thread *t);
/* Move @t to @to's run queue: at once when it is not running, at its
 * next switch when it is (the running thread gives the CPU away at once).
 * 0, -E_INVAL, or -E_PERM for a CPU's boot or idle thread. */
int thread_move(struct thread *t, struct cpu *to);
/* Affinity (SYS_THREAD_PIN): @cpu >= 0 pins @t there (thread_move);
 * -1 lets an idle CPU take it when it is ready and its own CPU busy.  A
 * thread stays on the CPU that made it until one of these.  The CPU it
 * will run on, -E_INVAL for no such CPU, -E_PERM as thread_move. */
i64 thread_pin(struct thread *t, i64 cpu);
/* @t (blocked) may run again; its CPU is kicked out of its idle wait. */
void thread_ready(struct thread *t);
/* A new ready thread running fn(arg) in *@out: 0, -E_NOTHREAD when all
 * THREAD_MAX are in use, or -E_NOMEM (no kernel stack); nothing is
 * taken on failure. */
int thread_spawn(void (*fn)(void *), void *arg, struct thread **out);
/* thread_spawn()'s thread, or NULL on either failure. */
struct thread *thread_create(void (*fn)(void *), void *arg);
/* Wait (sti_hlt) until @t has finished, then free it. */
void thread_join(struct thread *t);
/* Give the CPU to the next ready thread, if any. */
void thread_yield(void);
/* From the timer interrupt: preempt the running thread. */
void thread_preempt(void);
/* Threads in use (leak checks); is thread @id one of them? */
unsigned thread_count(void);
bool thread_in_use(unsigned id);

#endif
