/* percpu.c - the boot CPU's struct cpu: stacks, GDT, TSS, GS, PML4. */
#include "percpu.h"
#include "arch/x86.h"
#include "cpu.h"
#include "flush.h"
#include "kernel.h"
#include "kpt.h"
#include "memlayout.h"
#include "smp.h"
#include <stddef.h>

_Static_assert(offsetof(struct cpu, self) == 0, "this_cpu() reads %gs:0");

#define KSTACK_SIZE 16384

static struct cpu boot_cpu;
static u8 boot_kstack[KSTACK_SIZE] __attribute__((aligned(16)));
static u8 boot_ist[3][IST_STACK_SIZE] __attribute__((aligned(16)));

/* This CPU's GDT and TSS, and its GS base: the kernel's (the user's, 0,
 * waits in KERNEL_GS_BASE). */
static void load_cpu(struct cpu *cpu)
{
	gdt_load(&cpu->gdt, &cpu->tss, cpu->kstack_top, cpu->ist_top);
	wrmsr(MSR_GS_BASE, (u64)cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void percpu_init_ap(struct cpu *cpu)
{
	load_cpu(cpu);
}

void percpu_init_boot(void)
{
	struct cpu *cpu = &boot_cpu;

	cpu->self = cpu;
	cpu->id = 0;
	cpu->kstack_top = (u64)boot_kstack + KSTACK_SIZE;
	for (int i = 0; i < 3; i++)
		cpu->ist_top[i] = (u64)boot_ist[i] + IST_STACK_SIZE;
	load_cpu(cpu);
	thread_init_boot(cpu->kstack_top);

	cpu->pml4_phys = kpt_new_pml4();
	BUG_ON(!cpu->pml4_phys);
	cpu->pml4 = phys_to_virt(cpu->pml4_phys);
	write_cr3(cpu->pml4_phys);
}

void view_switch_ports(struct slot_cpu *c, struct view *from, struct view *to)
{
	struct cpu *cpu = container_of(c, struct cpu, slots);
	if (from && from->io_count)
		tss_permit_ports(&cpu->tss, from->io_base, from->io_count, false);
	if (to && to->io_count)
		tss_permit_ports(&cpu->tss, to->io_base, to->io_count, true);
}

struct slot_cpu *slot_cpu_at(unsigned i)
{
	struct cpu *cpu = smp_cpu(i);
	return cpu ? &cpu->slots : NULL;
}

struct slot_call {
	void (*fn)(struct slot_cpu *, struct view *, u64);
	struct slot_cpu *c;
	struct view *v;
	u64 va;
};

static void slot_call_here(void *arg)
{
	struct slot_call *s = arg;
	s->fn(s->c, s->v, s->va);
}

void slot_cpu_call(struct slot_cpu *c, void (*fn)(struct slot_cpu *, struct view *, u64),
		   struct view *v, u64 va)
{
	struct cpu *cpu = container_of(c, struct cpu, slots);
	struct slot_call s = {fn, c, v, va};
	if (cpu == this_cpu()) {
		fn(c, v, va);
		return;
	}
	/* A CPU that cannot be made to forget would leave a stale
	 * translation behind a frame about to be reused: stop. */
	if (smp_call(cpu, slot_call_here, &s) != 0)
		panic("shootdown: cpu %u does not answer", cpu->id);
}

void percpu_init_slots(void)
{
	struct cpu *cpu = this_cpu();
	const struct cpu_features *f = &cpu_features;

	if (slot_cpu_init(&cpu->slots, cpu->id, cpu->pml4, cpu->pml4_phys,
			  PCID_MAX, f->pcid, f->invpcid) != 0)
		panic("FLUSH=%s needs a CPU with %s; this one has pcid=%d invpcid=%d",
		      flush_name(), FLUSH_IS(INVPCID) ? "PCID and INVPCID" : "PCID",
		      f->pcid, f->invpcid);
	/* Setting CR4.PCIDE needs CR3[11:0] = 0 (SDM 3A §4.10.1): it is, our
	 * PML4 is page aligned and PCID 0 is the empty view's. */
	if (flush_uses_pcid())
		write_cr4(read_cr4() | CR4_PCIDE);
}
