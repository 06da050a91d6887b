/*
 * gate_table.h - the gate table and its rules, pure C: who may register
 * which gate, what a registration must name, and which caller a gate
 * admits.  gate.c applies them to the kernel's one table (gates[]); the
 * host tests and the fuzzer (tests/host/test_gate_table.c,
 * tests/host/fuzz/fuzz_gate.c) to tables of their own.  The fast path
 * (stubs/fastpath.asm) reads the same entries with the same meaning.
 *
 * Invariants:
 *   - an entry is empty (driver NULL, every field 0) or was written by
 *     one successful registration of its driver, whose handler lies in
 *     that driver's image, whose class is < PTR_CLASS_COUNT and whose
 *     callers mask is a non-empty subset of GATE_FROM_*;
 *   - a registered number belongs to its driver until that driver's
 *     gates are all removed: another driver gets -E_BUSY; the owner may
 *     register it again (a restarted driver's init does).
 */
#ifndef SLOTGATE_GATE_TABLE_H
#define SLOTGATE_GATE_TABLE_H

#include "errno.h"
#include "slotgate/abi.h"
#include "types.h"

struct driver;

/* 32 bytes, so the fast path indexes gates[] with a shift. */
struct __attribute__((aligned(32))) gate {
	struct driver *driver; /* NULL: no gate with this number */
	u64 handler;           /* slot address of the handler */
	u8 ptr_class;
	u8 callers;            /* GATE_FROM_* mask */
};
_Static_assert(sizeof(struct gate) == 32, "stubs/fastpath.asm shifts by its size");

#define GATE_FROM_ALL (GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL)

/*
 * SYS_GATE_REGISTER by driver @d (NULL when the caller is no driver),
 * whose image spans [image, image + span): 0, or -E_PERM (no driver),
 * -E_RANGE (number >= GATE_MAX), -E_INVAL (handler outside the image,
 * unknown class, callers empty or with unknown bits), -E_BUSY (another
 * driver's number), checked in this order; nothing is written on error.
 */
i64 gate_table_register(struct gate *table, struct driver *d, u64 image, u64 span,
			u64 number, u64 handler, u64 ptr_class, u64 callers);

/* Empty every entry of driver @d. */
void gate_table_unregister_all(struct gate *table, const struct driver *d);

/* The gate @number for a caller whose GATE_FROM_* bit is @caller_bit:
 * 0 with *@g set, -E_NOGATE (out of range or empty) or -E_FORBIDDEN. */
static inline i64 gate_table_lookup(const struct gate *table, u64 number,
				    u8 caller_bit, const struct gate **g)
{
	if (number >= GATE_MAX || !table[number].driver)
		return -E_NOGATE;
	if (!(table[number].callers & caller_bit))
		return -E_FORBIDDEN;
	*g = &table[number];
	return 0;
}

#endif
