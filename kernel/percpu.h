/*
 * percpu.h - all of one CPU's state in one struct, reached through GS.
 *
 * The kernel's GS base points at the CPU's struct cpu, whose first field
 * points at itself, so this_cpu() is one load (%gs:0).  While ring 3 runs,
 * the user's GS base is live and the kernel's sits in IA32_KERNEL_GS_BASE;
 * every entry from ring 3 (trap stub, SYSCALL) starts with SWAPGS (SDM 2B
 * SWAPGS).  One struct per CPU (smp.h); the BSP's is static, the APs' are
 * allocated at their start-up.
 *
 * The asm stubs read it through offsets generated from this struct at
 * build time (stubs/asm-offsets.c); `self` stays first, for this_cpu().
 */
#ifndef SLOTGATE_PERCPU_H
#define SLOTGATE_PERCPU_H

#include "ctx.h"
#include "fastpath.h"
#include "gdt.h"
#include "thread.h"
#include "trap.h"
#include "types.h"
#include "view.h"

/* Work the kernel counts because it costs or can leak (STYLE.md 11). */
struct cpu_counters {
	u64 syscalls;
	u64 gate_calls;
	u64 timer_ticks;
	u64 user_faults;
	u64 thread_switches;
	u64 preempted_in_driver;
	u64 fastpath_calls;   /* gates entered by the fast path */
	u64 ipc_fastpath;     /* IPC switches straight back to ring 3 */
	u64 bkl_contended;    /* entries that found the big kernel lock taken */
	u64 migrations;       /* ready threads this idle CPU took (balancing) */
	u64 user_ac_traps;    /* traps from ring 3 with RFLAGS.AC set there */
	u64 handler_ac_open;  /* ... whose handler still ran with AC set: must
				 stay 0 (stubs/trap.asm clears it) */
	u64 fastpath_miss[FASTPATH_MISS_COUNT]; /* sent to the slow path, by why */
	u64 nmis[NMI_STATES]; /* NMIs taken, by where they landed (trap.h) */
	u64 nmis_logged;      /* how many of them the timer tick has logged */
	u64 last_nmi_rip;
};

struct user_run;

struct cpu {
	struct cpu *self; /* %gs:0 */
	u64 user_rsp;     /* %gs:8, SYSCALL entry scratch */
	u64 kstack_top;   /* %gs:16, stack for traps and syscalls from ring 3 */
	u32 id;           /* 0 = the BSP; smp_cpu(id) */
	u32 apic_id;
	u64 ist_top[3];   /* double fault, NMI, machine check stacks */
	u8 bkl_held;      /* this CPU holds the big kernel lock (bkl.h) */
	u8 kicked;        /* smp_wake() since its idle thread last looked */
	u64 *pml4;        /* this CPU's PML4 (upper half shared) */
	u64 pml4_phys;
	struct thread *thread;       /* running on this CPU */
	struct thread *idle;         /* an AP's idle thread (NULL: the BSP) */
	struct slot_cpu slots;       /* the view shown, PCIDs, flush counters */
	struct gdt gdt;
	struct tss tss;
	struct jmp_ctx *recover;     /* set by trap_catch() */
	struct fault_info last_fault;
	struct cpu_counters counters;
};


static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Where traps and syscalls from ring 3 land on this CPU (TSS.RSP0, which
 * a ring-3 interrupt switches to - SDM 3A §6.14.4 - and the SYSCALL
 * stack): per thread, and lowered under a gate's frame. */
static inline void cpu_set_kernel_stack(struct cpu *cpu, u64 top)
{
	cpu->kstack_top = top;
	cpu->tss.rsp[0] = top;
}

/* Set up the boot CPU's struct cpu, GDT, TSS and GS base, and its PML4. */
void percpu_init_boot(void);
/* An AP's start (smp.c): load the GDT, TSS and GS base of @cpu, whose
 * stacks and PML4 the BSP allocated; CR3 already holds its PML4. */
void percpu_init_ap(struct cpu *cpu);
/* Set up the slot state for the build's flush strategy (after CPUID);
 * stops the boot with a clear message when the CPU lacks what it needs. */
void percpu_init_slots(void);

#endif
