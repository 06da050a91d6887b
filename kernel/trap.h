/*
 * trap.h - the IDT, the trap frame and recoverable faults.
 *
 * Every vector enters through stubs/trap.asm, which saves all registers
 * into a struct trap_frame and calls trap_dispatch() - but NMI, #MC and
 * #DF, which may arrive with the user's GS live in ring 0, enter through
 * its paranoid entry and paranoid_dispatch().  An exception is
 * reported with vector, error code (decoded for #PF), CR2, RIP, RSP and
 * registers.  What happens next depends on where it came from:
 *   - ring 3: the program is killed (user.c), the kernel goes on;
 *   - ring 0 inside trap_catch(): the fault is recorded and trap_catch()
 *     returns its vector (the tests use this to provoke faults);
 *   - ring 0 otherwise: panic.
 */
#ifndef SLOTGATE_TRAP_H
#define SLOTGATE_TRAP_H

#include "types.h"

enum {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5,
	VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11,
	VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16, VEC_AC = 17,
	VEC_MC = 18, VEC_XM = 19, VEC_VE = 20, VEC_CP = 21,
	VEC_TIMER = 0x20,
	VEC_PIC_BASE = 0x30, /* the masked 8259s, remapped out of the way */
	VEC_SPURIOUS = 0xff,
};

/* #PF error code bits (SDM 3A §4.7). */
#define PF_P (1u << 0)
#define PF_W (1u << 1)
#define PF_U (1u << 2)
#define PF_RSVD (1u << 3)
#define PF_I (1u << 4)

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct fault_info {
	u64 vector;
	u64 error;
	u64 rip;
	u64 cr2;
};

/* Where an NMI landed (the paranoid entry, stubs/trap.asm): in ring 3,
 * in ring 0 with the kernel's GS, or in ring 0 with the user's GS live
 * (between SYSCALL and SWAPGS, or SWAPGS and SYSRET). */
enum { NMI_USER, NMI_KERNEL, NMI_KERNEL_USER_GS, NMI_STATES };

struct cpu;
/* Log the NMIs @cpu took since the last call (the timer tick calls it:
 * an NMI handler does not print, it may interrupt the printer). */
void nmi_log(struct cpu *cpu);
/* NMIs this CPU took in @state. */
u64 nmi_count(unsigned state);

void idt_init(void);
/* Load the (shared) IDT on this CPU: an AP's start-up. */
void idt_load(void);
void trap_dispatch(struct trap_frame *f);

/* Short name of an exception vector ("#PF"). */
const char *trap_name(u64 vector);
/* Print one line describing the fault, then the registers if @regs. */
void trap_report(const char *who, const struct trap_frame *f, bool regs);

/* Set when the CPU has SMAP: trap entry then clears RFLAGS.AC (CLAC,
 * stubs/trap.asm), whatever ring 3 left in it. */
extern u8 trap_clac;

/*
 * Run fn(arg); if it raises an exception in ring 0, return the vector and
 * fill @info, else return -1.  Only for code that expects to fault.
 */
int trap_catch(void (*fn)(void *), void *arg, struct fault_info *info);

/* Handler for one interrupt vector (>= 32); NULL to remove. */
typedef void (*irq_handler_t)(struct trap_frame *f);
void irq_set_handler(u8 vector, irq_handler_t handler);

#endif
