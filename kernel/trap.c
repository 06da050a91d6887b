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
extern const u8 paranoid_stub_nmi[], paranoid_stub_df[], paranoid_stub_mc[];

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
	/* The paranoid entry (stubs/trap.asm), each on its own IST stack. */
	set_gate(VEC_DF, (u64)paranoid_stub_df, IST_DOUBLE_FAULT, 0);
	set_gate(VEC_NMI, (u64)paranoid_stub_nmi, IST_NMI, 0);
	set_gate(VEC_MC, (u64)paranoid_stub_mc, IST_MACHINE_CHECK, 0);
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

/* --- the paranoid entry: NMI, #MC, #DF --------------------------------- */

#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MC0_STATUS 0x401 /* bank i: 0x401 + 4 i (SDM 3B §16.3.2.2) */
#define MCI_STATUS_VAL (1ull << 63)

static const char *const nmi_state_names[NMI_STATES] = {
	"ring 3", "ring 0", "ring 0 with the user's GS",
};

/* A machine check: the banks that hold an error (SDM 3B §16.3, MCG_CAP's
 * count, MCi_STATUS.VAL), then stop - the kernel does not recover from
 * hardware errors. */
static void machine_check(const struct trap_frame *f)
{
	u64 cap = rdmsr(MSR_MCG_CAP);
	kprintf("\nmachine check on cpu %u: MCG_STATUS 0x%lx\n", this_cpu()->id,
		rdmsr(MSR_MCG_STATUS));
	for (u32 i = 0; i < (cap & 0xff); i++) {
		u64 st = rdmsr(MSR_MC0_STATUS + 4 * i);
		if (st & MCI_STATUS_VAL)
			kprintf("  bank %u: MC%u_STATUS 0x%lx\n", i, i, st);
	}
	panic_frame(f, "machine check");
}

/* From paranoid_common with the kernel's GS live; @user_gs says the
 * interrupted code ran with the user's.  An NMI is counted and returned
 * from: nothing here waits, takes a lock or prints. */
void paranoid_dispatch(struct trap_frame *f, u64 user_gs);
void paranoid_dispatch(struct trap_frame *f, u64 user_gs)
{
	struct cpu *cpu = this_cpu();
	if (f->vector == VEC_NMI) {
		unsigned state = (f->cs & 3) == 3 ? NMI_USER
				 : user_gs	  ? NMI_KERNEL_USER_GS
						  : NMI_KERNEL;
		cpu->counters.nmis[state]++;
		cpu->counters.last_nmi_rip = f->rip;
		return;
	}
	if (f->vector == VEC_MC)
		machine_check(f);
	panic_frame(f, "double fault");
}

void nmi_log(struct cpu *cpu)
{
	const struct cpu_counters *c = &cpu->counters;
	u64 total = c->nmis[NMI_USER] + c->nmis[NMI_KERNEL] + c->nmis[NMI_KERNEL_USER_GS];
	if (total == c->nmis_logged)
		return;
	kprintf("nmi: cpu %u took %lu NMI(s) (%lu in %s, %lu in %s, %lu in %s), "
		"last at rip 0x%lx\n", cpu->id, total - c->nmis_logged,
		c->nmis[0], nmi_state_names[0], c->nmis[1], nmi_state_names[1],
		c->nmis[2], nmi_state_names[2], c->last_nmi_rip);
	cpu->counters.nmis_logged = total;
}

u64 nmi_count(unsigned state)
{
	return state < NMI_STATES ? __atomic_load_n(&this_cpu()->counters.nmis[state],
						   __ATOMIC_RELAXED)
				  : 0;
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
	 * CPU waiting for it.  The cross-call and wake-up IPIs never take it
	 * (NMI and #MC do not come here: paranoid_dispatch). */
	bool user = (f->cs & 3) == 3;
	if (f->vector != VEC_CALL && f->vector != VEC_WAKE && (user || f->vector >= 32))
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
