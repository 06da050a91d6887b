/*
 * spinlock.h - a test-and-test-and-set lock for the few places two CPUs
 * meet (smp.c).  Hold it with interrupts off when an interrupt handler
 * on the same CPU may take it too.  No fairness, no nesting check.
 */
#ifndef SLOTGATE_SPINLOCK_H
#define SLOTGATE_SPINLOCK_H

#include "arch/x86.h"
#include "types.h"

struct spinlock {
	volatile u32 locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			pause();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
