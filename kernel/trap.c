/* trap.c - the IDT, exception reports, trap_catch() and IRQ dispatch. */
#include "trap.h"
#include "bkl.h"
#include "smp.h"
#include "arch/x86.h"
#include "console.h"
#include "cpu.h"
#include "ctx.h"
#include "errno.h"
#include "gate.h"
#include "gdt.h"
#include "kernel.h"
#include "lapic.h"
#include "percpu.h"
#include "user.h"

struct __attribute__((packed)) idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[256];
extern const u64 trap_stub_table[256];

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *trap_name(u64 vector)
{
	return vector < 32 ? exception_names[vector] : "IRQ";
}

/* Interrupt gates (type 0xE): IF is cleared on entry (SDM 3A §6.12.1.3). */
static void set_gate(u8 vec, u64 handler, u8 ist, u8 dpl)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = (u16)handler,
		.selector = SEL_KCODE,
		.ist = ist,
		.type_attr = (u8)(0x8e | (dpl << 5)),
		.offset_mid = (u16)(handler >> 16),
		.offset_hi = (u32)(handler >> 32),
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate((u8)v, trap_stub_table[v], 0, 0);
	set_gate(VEC_DF, trap_stub_table[VEC_DF], IST_DOUBLE_FAULT, 0);
	set_gate(VEC_NMI, trap_stub_table[VEC_NMI], IST_NMI, 0);
	set_gate(VEC_MC, trap_stub_table[VEC_MC], IST_MACHINE_CHECK, 0);
	/* #BP may be raised from ring 3 with INT3 (DPL 3), nothing else. */
	set_gate(VEC_BP, trap_stub_table[VEC_BP], 0, 3);
	idt_load();
}

void idt_load(void)
{
	struct descriptor_ptr p = {sizeof(idt) - 1, (u64)idt};
	lidt(&p);
}

void irq_set_handler(u8 vector, irq_handler_t handler)
{
	irq_handlers[vector] = handler;
}

static void describe_pf(u64 err, char *buf, size_t size)
{
	ksnprintf(buf, size, " (%s %s %s%s%s)",
		  err & PF_P ? "protection" : "not-present",
		  err & PF_I ? "fetch" : err & PF_W ? "write" : "read",
		  err & PF_U ? "user" : "supervisor",
		  err & PF_RSVD ? " reserved-bit" : "", "");
}

void trap_report(const char *who, const struct trap_frame *f, bool regs)
{
	char pf[64] = "";
	if (f->vector == VEC_PF)
		describe_pf(f->error, pf, sizeof(pf));
	kprintf("%s: %s vector %lu error 0x%lx%s cr2 0x%lx rip 0x%lx rsp 0x%lx\n",
		who, trap_name(f->vector), f->vector, f->error, pf,
		read_cr2(), f->rip, f->rsp);
	if (!regs)
		return;
	kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
		"  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n"
		"  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n"
		"  r13 %016lx r14 %016lx r15 %016lx\n"
		"  cs %lx ss %lx rflags %016lx cr3 %016lx\n",
		f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp, f->r8,
		f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15, f->cs,
		f->ss, f->rflags, read_cr3());
}

int trap_catch(void (*fn)(void *), void *arg, struct fault_info *info)
{
	struct cpu *cpu = this_cpu();
	struct jmp_ctx ctx;

	if (ctx_save(&ctx) == 0) {
		cpu->recover = &ctx;
		fn(arg);
		cpu->recover = NULL;
		return -1;
	}
	cpu->recover = NULL;
	*info = cpu->last_fault;
	return (int)info->vector;
}

static void exception(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();

	if ((f->cs & 3) == 3) {
		gate_driver_fault(f, -E_DRIVER_FAULT); /* returns if no driver */
		user_fault(f);                          /* does not return */
	}
	if (cpu->recover) {
		cpu->last_fault = (struct fault_info){f->vector, f->error,
						      f->rip, read_cr2()};
		/* A fault between user_access_begin/end must not leave AC set. */
		user_access_end();
		ctx_resume(cpu->recover, 1);
	}
	panic_frame(f, "unexpected exception in the kernel");
}

u8 trap_clac;

/* Ring 3 may leave RFLAGS.AC set; trap_common must have cleared it before
 * any handler runs (SMAP, SDM 3A §4.6.1).  Counted, for traps_clear_ac. */
static void count_user_ac(struct cpu *cpu, const struct trap_frame *f)
{
	if (!(f->rflags & RFLAGS_AC))
		return;
	cpu->counters.user_ac_traps++;
	if (read_rflags() & RFLAGS_AC)
		cpu->counters.handler_ac_open++;
}

void trap_dispatch(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();
	if ((f->cs & 3) == 3)
		count_user_ac(cpu, f);
	/* An idle AP's tick only counts: its idle loop looks for work by
	 * itself (thread_idle_loop), without contending for the lock. */
	if (f->vector == VEC_TIMER && cpu->thread == cpu->idle && !cpu->bkl_held) {
		cpu->counters.timer_ticks++;
		lapic_eoi();
		return;
	}
	/* Traps from ring 3 and interrupts run under the big kernel lock,
	 * which this CPU may not hold yet (ring 3, kernel_wait: bkl.h); an
	 * exception in ring 0 runs under whatever its kernel code holds -
	 * the lock, or nothing in a cross-call, which must not wait for the
	 * CPU waiting for it.  The cross-call and wake-up IPIs, NMI and #MC
	 * never take it. */
	bool user = (f->cs & 3) == 3;
	if (f->vector != VEC_CALL && f->vector != VEC_WAKE && f->vector != VEC_NMI &&
	    f->vector != VEC_MC && (user || f->vector >= 32))
		bkl_acquire();
	if (f->vector < 32) {
		exception(f);
		return;
	}
	if (f->vector == VEC_SPURIOUS ||
	    (f->vector >= VEC_PIC_BASE && f->vector < VEC_PIC_BASE + 16))
		return; /* spurious: no EOI (SDM 3A §11.9) */
	irq_handler_t h = irq_handlers[f->vector];
	/* EOI first: a handler may switch threads (the timer) or unwind a
	 * gate and not come back here.  IF stays 0 until IRETQ, so nothing
	 * nests meanwhile. */
	lapic_eoi();
	if (h)
		h(f);
}
