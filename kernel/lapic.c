/* lapic.c - local APIC in xAPIC mode: enable, timer, EOI (SDM 3A ch. 11). */
#include "lapic.h"
#include "arch/x86.h"
#include "console.h"
#include "gate.h"
#include "thread.h"
#include "kernel.h"
#include "memlayout.h"
#include "percpu.h"
#include "pit.h"
#include "trap.h"
#include "vm.h"

#define REG_ID 0x20
#define REG_TPR 0x80
#define REG_EOI 0xb0
#define REG_SVR 0xf0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define APIC_BASE_ENABLE (1ull << 11)
#define ICR_PENDING (1u << 12)      /* delivery status: send pending */
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)

extern u64 *kernel_pml4;
static volatile u32 *lapic;
static u32 timer_count; /* initial count for LAPIC_TIMER_HZ at divide 16 */

static u32 rd(u32 reg) { return lapic[reg / 4]; }
static void wr(u32 reg, u32 v) { lapic[reg / 4] = v; }

static void timer_tick(struct trap_frame *f)
{
	this_cpu()->counters.timer_ticks++;
	gate_watchdog(f); /* may unwind a driver that ran too long */
	thread_preempt(); /* round robin: one tick per slice */
}

/* LAPIC timer ticks (divide 16) per second, measured against the PIT. */
static u32 calibrate(void)
{
	const unsigned ms = 20;
	wr(REG_TIMER_DIVIDE, 0x3); /* divide by 16 */
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0xffffffff);
	pit_wait_ms(ms);
	u32 elapsed = 0xffffffff - rd(REG_TIMER_CURRENT);
	wr(REG_TIMER_INIT, 0);
	return elapsed * (1000 / ms);
}

/* Enable this CPU's LAPIC: spurious vector 0xff, LINT0/1 and errors
 * masked, every priority accepted (TPR 0: firmware may leave it raised). */
static void enable_this_cpu(void)
{
	wr(REG_TPR, 0);
	wr(REG_SVR, 0x100 | 0xff); /* software enable, spurious vector 0xff */
	wr(REG_LVT_LINT0, LVT_MASKED);
	wr(REG_LVT_LINT1, LVT_MASKED);
	wr(REG_LVT_ERROR, LVT_MASKED);
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	u64 phys = base & PTE_ADDR;

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	BUG_ON(vm_map(kernel_pml4, MMIO_BASE, phys,
		      VM_WRITE | VM_NX | VM_GLOBAL | VM_NOCACHE) != 0);
	lapic = (volatile u32 *)MMIO_BASE;
	enable_this_cpu();
	irq_set_handler(VEC_TIMER, timer_tick);
	u32 hz = calibrate();
	timer_count = hz / LAPIC_TIMER_HZ;
	kprintf("lapic: id %u at 0x%lx, timer %u Hz at divide 16 (from pit)\n",
		lapic_id(), phys, hz);
}

u32 lapic_id(void) { return rd(REG_ID) >> 24; }
void lapic_eoi(void) { wr(REG_EOI, 0); }

void lapic_timer_start(void)
{
	wr(REG_TIMER_DIVIDE, 0x3);
	wr(REG_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
	wr(REG_TIMER_INIT, timer_count ? timer_count : 100000);
}

void lapic_timer_stop(void)
{
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0);
}

u64 lapic_ticks(void) { return this_cpu()->counters.timer_ticks; }

void lapic_init_ap(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	enable_this_cpu();
}

u64 lapic_phys(void) { return rdmsr(MSR_APIC_BASE) & PTE_ADDR; }

/* Write the ICR (high half first: writing the low half sends) and wait,
 * bounded, until the LAPIC has sent it (SDM 3A §11.6.1).  The caller
 * keeps interrupts off so nothing else uses the ICR meanwhile. */
static bool send(u32 apic_id, u32 lo)
{
	wr(REG_ICR_HI, apic_id << 24);
	wr(REG_ICR_LO, lo);
	for (u32 spins = 0; spins < 1000000; spins++) {
		if (!(rd(REG_ICR_LO) & ICR_PENDING))
			return true;
		pause();
	}
	return false;
}

bool lapic_send_init(u32 apic_id) { return send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL); }

bool lapic_send_startup(u32 apic_id, u8 page)
{
	return send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

bool lapic_send_ipi(u32 apic_id, u8 vector) { return send(apic_id, ICR_ASSERT | vector); }
