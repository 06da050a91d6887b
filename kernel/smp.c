/* smp.c - finding, starting and cross-calling the other CPUs (smp.h). */
#include "smp.h"
#include "acpi.h"
#include "arch/x86.h"
#include "bkl.h"
#include "thread.h"
#include "console.h"
#include "cpu.h"
#include "errno.h"
#include "heap.h"
#include "kernel.h"
#include "kpt.h"
#include "kstring.h"
#include "lapic.h"
#include "mb2.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "pmtimer.h"
#include "syscall.h"
#include "spinlock.h"
#include "trap.h"
#include "vm.h"

#define AP_STACK_SIZE 16384
#define TRAMPOLINE_PREFERRED 0x8000ull

/* boot/ap_trampoline.asm */
extern const u8 ap_tramp_start[], ap_tramp_end[], ap_tramp_params[];
extern void ap_entry64(void);
/* boot/boot.asm */
extern u64 boot_pml4[], boot_pdpt_low[];

/* The trampoline's parameter block (ap_trampoline.asm, p_boot_cr3...). */
struct ap_tramp_params {
	u64 boot_cr3, efer, cr3, stack, cpu, entry;
};

_Static_assert(SMP_MAX_CPUS <= VIEW_MAX_CPUS, "a view keeps one PCID per CPU");

static struct cpu *cpus[SMP_MAX_CPUS];
static unsigned online = 1, found = 1;
extern u64 *kernel_pml4;

unsigned smp_cpus_online(void) { return online; }
unsigned smp_cpus_found(void) { return found; }
struct cpu *smp_cpu(unsigned i) { return i < online ? cpus[i] : NULL; }

/* ACPI tables are read through the direct map; a table outside RAM (the
 * firmware may put them in "reserved" memory) is mapped into it first,
 * read-only.  Bounded: acpi.c never asks for more than ACPI_TABLE_MAX. */
static const void *acpi_map(u64 phys, u32 len, void *ctx)
{
	(void)ctx;
	if (phys + len < phys || phys + len > (1ull << 46))
		return NULL;
	for (u64 pa = ALIGN_DOWN(phys, PAGE_SIZE); pa < phys + len; pa += PAGE_SIZE) {
		struct vm_mapping m;
		if (!vm_query(kernel_pml4, DIRECT_MAP_BASE + pa, &m) &&
		    vm_map(kernel_pml4, DIRECT_MAP_BASE + pa, pa, VM_NX | VM_GLOBAL) != 0)
			return NULL;
	}
	return phys_to_virt(phys);
}

/* A page below 1 MiB that the memory map calls RAM, for the trampoline:
 * the STARTUP IPI's vector is its page number (SDM 3A §11.6.1). */
static u64 trampoline_page(const struct mb2_info *mb)
{
	for (u64 pa = TRAMPOLINE_PREFERRED; pa < 0x9f000; pa += PAGE_SIZE)
		for (size_t i = 0; i < mb->mmap_count; i++) {
			const struct mb2_mmap_entry *e = &mb->mmap[i];
			if (e->type == MB2_MEM_AVAILABLE && e->base <= pa &&
			    pa + PAGE_SIZE <= e->base + e->length)
				return pa;
		}
	return 0;
}

/* --- cross-calls -------------------------------------------------------- */

struct call_box {
	struct spinlock lock;           /* one caller at a time per target */
	void (*fn)(void *);             /* claimed (swapped to NULL) by the target */
	void *arg;
	u32 done;
};
static struct call_box boxes[SMP_MAX_CPUS];

void smp_serve_calls(void)
{
	struct call_box *b = &boxes[this_cpu()->id];
	void (*fn)(void *) = __atomic_exchange_n(&b->fn, NULL, __ATOMIC_ACQUIRE);
	if (!fn)
		return;
	fn(b->arg);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void call_ipi(struct trap_frame *f)
{
	(void)f;
	smp_serve_calls();
}

static void wake_ipi(struct trap_frame *f) { (void)f; }

void smp_wake(struct cpu *cpu)
{
	if (!cpu || cpu == this_cpu())
		return;
	__atomic_store_n(&cpu->kicked, 1, __ATOMIC_RELEASE);
	lapic_send_ipi(cpu->apic_id, VEC_WAKE);
}

int smp_call(struct cpu *cpu, void (*fn)(void *), void *arg)
{
	if (!cpu || cpu == this_cpu() || cpu->id >= online || cpus[cpu->id] != cpu)
		return -E_INVAL;
	struct call_box *b = &boxes[cpu->id];
	u64 flags = irq_save();
	spin_lock(&b->lock);
	b->arg = arg;
	b->done = 0;
	__atomic_store_n(&b->fn, fn, __ATOMIC_RELEASE);
	int err = lapic_send_ipi(cpu->apic_id, VEC_CALL) ? 0 : -E_BUSY;
	for (u64 spins = 0; !__atomic_load_n(&b->done, __ATOMIC_ACQUIRE); spins++) {
		/* Give up only while the target has not claimed the call: once
		 * it has, it runs it, and the caller waits for the end. */
		if ((err || spins > 100000000) &&
		    __atomic_exchange_n(&b->fn, NULL, __ATOMIC_ACQUIRE)) {
			err = -E_BUSY;
			break;
		}
		smp_serve_calls(); /* two CPUs calling each other */
		pause();
	}
	if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
		err = 0; /* sent or not, it ran */
	spin_unlock(&b->lock);
	irq_restore(flags);
	return err;
}

/* --- bring-up ------------------------------------------------------------ */

static volatile u32 ap_arrived;

/* The AP's first C code: its own GDT, TSS, GS, IDT, protection bits,
 * LAPIC and slot state, as the BSP set up its own (main.c). */
void ap_main(struct cpu *cpu);
void ap_main(struct cpu *cpu)
{
	percpu_init_ap(cpu);
	idt_load();
	cpu_enable_protection();
	percpu_init_slots();
	lapic_init_ap();
	syscall_init();
	/* Arrived, all set up; the scheduler needs the big kernel lock,
	 * which the BSP holds until it first waits or enters ring 3. */
	thread_init_ap();
	lapic_timer_start();
	__atomic_store_n(&ap_arrived, 1, __ATOMIC_RELEASE);
	bkl_acquire();
	thread_idle_loop();
}

/* A struct cpu with its stacks and PML4 for APIC ID @apic_id; NULL when
 * out of memory. */
static struct cpu *new_cpu(unsigned id, u32 apic_id)
{
	struct cpu *cpu = kzalloc(sizeof(*cpu));
	u8 *stack = kzalloc(AP_STACK_SIZE), *ist = kzalloc(3 * IST_STACK_SIZE);
	u64 pml4 = kpt_new_pml4();
	struct thread *idle = thread_new_idle();
	if (!cpu || !stack || !ist || !pml4 || !idle) {
		kfree(cpu), kfree(stack), kfree(ist);
		if (idle)
			idle->state = THREAD_FREE;
		if (pml4)
			pmm_free(pml4);
		return NULL;
	}
	cpu->self = cpu;
	cpu->id = id;
	cpu->apic_id = apic_id;
	cpu->kstack_top = (u64)stack + AP_STACK_SIZE;
	for (int i = 0; i < 3; i++)
		cpu->ist_top[i] = (u64)ist + (u64)(i + 1) * IST_STACK_SIZE;
	cpu->pml4_phys = pml4;
	cpu->pml4 = phys_to_virt(pml4);
	cpu->idle = idle;
	return cpu;
}

/* Wait up to @ms milliseconds for the AP to say it arrived. */
static bool wait_arrival(unsigned ms)
{
	for (unsigned i = 0; i < ms; i++) {
		if (__atomic_load_n(&ap_arrived, __ATOMIC_ACQUIRE))
			return true;
		cpu_delay_us(1000);
	}
	return __atomic_load_n(&ap_arrived, __ATOMIC_ACQUIRE);
}

/* INIT, 10 ms, STARTUP, and a second STARTUP if the first did not take
 * (SDM 3A §9.4.4.1, the universal start-up algorithm). */
static bool start_ap(struct cpu *cpu, u64 tramp)
{
	struct ap_tramp_params *p =
		phys_to_virt(tramp + (u64)(ap_tramp_params - ap_tramp_start));
	p->cr3 = cpu->pml4_phys;
	p->stack = cpu->kstack_top;
	p->cpu = (u64)cpu;
	ap_arrived = 0;
	if (!lapic_send_init(cpu->apic_id))
		return false;
	cpu_delay_us(10000);
	for (int tries = 0; tries < 2; tries++) {
		if (!lapic_send_startup(cpu->apic_id, (u8)(tramp >> PAGE_SHIFT)))
			return false;
		if (wait_arrival(tries == 0 ? 1 : 100))
			return true;
	}
	return false;
}

static void start_all(const struct acpi_info *info, u64 tramp)
{
	u32 me = lapic_id();
	for (u32 i = 0; i < info->ncpus; i++) {
		u32 apic = info->cpus[i].apic_id;
		if (apic == me)
			continue;
		/* An x2APIC ID above 254 is startable in x2APIC mode only:
		 * xAPIC's 8-bit destination cannot name it (lapic.h). */
		if (!lapic_id_addressable(apic, lapic_x2apic())) {
			kprintf("smp: cpu apic %u left out (APIC ID above 254: the "
				"LAPICs run in xAPIC mode, whose IPIs cannot name it)\n",
				apic);
			continue;
		}
		if (online == SMP_MAX_CPUS) {
			kprintf("smp: cpu apic %u left out (SMP_MAX_CPUS)\n", apic);
			continue;
		}
		struct cpu *cpu = new_cpu(online, apic);
		if (!cpu) {
			kprintf("smp: cpu apic %u left out (out of memory)\n", apic);
			continue;
		}
		cpus[online] = cpu; /* before it runs: its IPI handler looks */
		if (start_ap(cpu, tramp)) {
			online++;
		} else {
			/* Its struct, stacks and PML4 stay allocated: a late
			 * start-up would still use them. */
			cpus[online] = NULL;
			kprintf("smp: cpu apic %u did not answer its start-up: left out\n", apic);
		}
	}
}

/* Read once, early: the clocks need the FADT's PM timer before the
 * LAPIC is set up, the bring-up the MADT after. */
static struct acpi_info acpi;
static int acpi_err = ACPI_E_NO_RSDP;
static bool acpi_read;

void smp_read_acpi(const struct mb2_info *mb)
{
	acpi_err = acpi_parse(mb->rsdp, mb->rsdp_len, acpi_map, NULL, &acpi);
	acpi_read = true;
	if (acpi_err)
		return;
	pmtimer_init(acpi.pm_timer_port, acpi.pm_timer_32bit);
	if (acpi.nmis_bad_lint || acpi.nmis_dropped)
		kprintf("acpi: MADT NMI entries left out: %u naming a LINT# other "
			"than 0 or 1, %u past %u\n",
			acpi.nmis_bad_lint, acpi.nmis_dropped, ACPI_MAX_NMIS);
}

const struct acpi_info *smp_acpi_info(void)
{
	BUG_ON(!acpi_read); /* main.c's boot order: the tables come first */
	return acpi_err ? NULL : &acpi;
}

void smp_init(const struct mb2_info *mb)
{
	cpus[0] = this_cpu();
	cpus[0]->apic_id = lapic_id();
	irq_set_handler(VEC_CALL, call_ipi);
	irq_set_handler(VEC_WAKE, wake_ipi);

	if (acpi_err) {
		kprintf("smp: no CPU list (%s): running on the boot CPU only\n",
			acpi_error_name(acpi_err));
		return;
	}
	found = acpi.ncpus;
	u64 tramp = trampoline_page(mb);
	if (!tramp) {
		kprintf("smp: no free page below 1 MiB for the trampoline\n");
		return;
	}
	memcpy(phys_to_virt(tramp), ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	struct ap_tramp_params *p =
		phys_to_virt(tramp + (u64)(ap_tramp_params - ap_tramp_start));
	p->boot_cr3 = kernel_virt_to_phys(boot_pml4);
	p->efer = rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE);
	p->entry = (u64)ap_entry64;
	/* The boot tables' identity map, dropped by boot.asm, comes back for
	 * the bring-up: the trampoline runs there while it enables paging.
	 * No CPU but the starting AP uses these tables. */
	boot_pml4[0] = kernel_virt_to_phys(boot_pdpt_low) | PTE_P | PTE_RW;
	start_all(&acpi, tramp);
	boot_pml4[0] = 0;
	kprintf("smp: %u CPUs found (ACPI %s, %u disabled), %u started, trampoline 0x%lx\n",
		found, acpi.xsdt ? "XSDT" : "RSDT", acpi.cpus_disabled, online, tramp);
}
