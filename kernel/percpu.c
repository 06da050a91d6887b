/* percpu.c - the boot CPU's struct cpu: stacks, GDT, TSS, GS, PML4. */
#include "percpu.h"
#include "arch/x86.h"
#include "kernel.h"
#include "kpt.h"
#include "memlayout.h"
#include <stddef.h>

_Static_assert(offsetof(struct cpu, self) == CPU_OFF_SELF, "percpu.inc");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFF_USER_RSP, "percpu.inc");
_Static_assert(offsetof(struct cpu, kstack_top) == CPU_OFF_KSTACK_TOP, "percpu.inc");

#define KSTACK_SIZE 16384

static struct cpu boot_cpu;
static u8 boot_kstack[KSTACK_SIZE] __attribute__((aligned(16)));
static u8 boot_ist[3][IST_STACK_SIZE] __attribute__((aligned(16)));

void percpu_init_boot(void)
{
	struct cpu *cpu = &boot_cpu;
	u64 ist_top[3];

	cpu->self = cpu;
	cpu->id = 0;
	cpu->kstack_top = (u64)boot_kstack + KSTACK_SIZE;
	for (int i = 0; i < 3; i++)
		ist_top[i] = (u64)boot_ist[i] + IST_STACK_SIZE;
	gdt_load(&cpu->gdt, &cpu->tss, cpu->kstack_top, ist_top);
	/* The kernel's GS base; the user's (0) waits in KERNEL_GS_BASE. */
	wrmsr(MSR_GS_BASE, (u64)cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);

	cpu->pml4_phys = kpt_new_pml4();
	BUG_ON(!cpu->pml4_phys);
	cpu->pml4 = phys_to_virt(cpu->pml4_phys);
	write_cr3(cpu->pml4_phys);
	cpu->counters.cr3_writes++;
}
