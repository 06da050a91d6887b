/* bkl.c - the big kernel lock (bkl.h). */
#include "bkl.h"
#include "arch/x86.h"
#include "percpu.h"
#include "smp.h"

volatile u32 bkl_word;

void bkl_wait(void)
{
	struct cpu *cpu = this_cpu();
	cpu->counters.bkl_contended++;
	while (__atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&bkl_word, __ATOMIC_RELAXED)) {
			smp_serve_calls();
			pause();
		}
	}
}

void bkl_acquire(void)
{
	struct cpu *cpu = this_cpu();
	if (cpu->bkl_held)
		return;
	if (__atomic_exchange_n(&bkl_word, 1, __ATOMIC_ACQUIRE))
		bkl_wait();
	cpu->bkl_held = 1;
}

void bkl_release(void)
{
	struct cpu *cpu = this_cpu();
	if (!cpu->bkl_held)
		return;
	cpu->bkl_held = 0;
	__atomic_store_n(&bkl_word, 0, __ATOMIC_RELEASE);
}

bool bkl_held(void) { return this_cpu()->bkl_held; }

void bkl_pause(void)
{
	bkl_release();
	for (int i = 0; i < 100; i++) {
		smp_serve_calls(); /* IF = 0: a shootdown must not wait for us */
		pause();
	}
	bkl_acquire();
}

void kernel_wait(void)
{
	bkl_release();
	sti_hlt();
	cli();
	bkl_acquire();
}
