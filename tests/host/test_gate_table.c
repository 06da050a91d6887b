/*
 * test_gate_table.c - the gate table's rules (slots/gate_table.c) on a
 * table of the test's own: who may register, what a registration must
 * name, ownership of a number, removal, and which caller a gate admits.
 * tests/host/fuzz/fuzz_gate.c runs random sequences of the same against
 * a model.
 */
#include "gate_table.h"
#include "htest.h"
#include "memlayout.h"

#include <string.h>

static struct gate table[GATE_MAX];
/* Two drivers: only their addresses matter here. */
static char drv_a, drv_b;
#define A ((struct driver *)&drv_a)
#define B ((struct driver *)&drv_b)
#define SPAN (1ull << 32)

static i64 reg(struct driver *d, unsigned slot, u64 number, u64 off, u64 cls, u64 callers)
{
	return gate_table_register(table, d, slot_base(slot), SPAN, number,
				   slot_base(slot) + off, cls, callers);
}

HTEST(gate_table_register_checks_in_order)
{
	memset(table, 0, sizeof(table));
	CHECK_EQ(reg(NULL, 3, 1, 0x1000, PTR_NONE, GATE_FROM_APP), -E_PERM);
	CHECK_EQ(reg(A, 3, GATE_MAX, 0x1000, PTR_NONE, GATE_FROM_APP), -E_RANGE);
	CHECK_EQ(reg(A, 3, ~0ull, 0x1000, PTR_NONE, GATE_FROM_APP), -E_RANGE);
	CHECK_EQ(reg(A, 3, 1, SPAN, PTR_NONE, GATE_FROM_APP), -E_INVAL);
	CHECK_EQ(gate_table_register(table, A, slot_base(3), SPAN, 1, slot_base(3) - 1,
				     PTR_NONE, GATE_FROM_APP), -E_INVAL);
	CHECK_EQ(reg(A, 3, 1, 0x1000, PTR_CLASS_COUNT, GATE_FROM_APP), -E_INVAL);
	CHECK_EQ(reg(A, 3, 1, 0x1000, PTR_NONE, 0), -E_INVAL);
	CHECK_EQ(reg(A, 3, 1, 0x1000, PTR_NONE, GATE_FROM_ALL + 1), -E_INVAL);
	CHECK(table[1].driver == NULL); /* nothing written on error */
	CHECK_EQ(reg(A, 3, 1, SPAN - 1, PTR_BUF_IN, GATE_FROM_ALL), 0);
	CHECK(table[1].driver == A);
	CHECK_EQ(table[1].handler, slot_base(3) + SPAN - 1);
	CHECK_EQ(table[1].ptr_class, PTR_BUF_IN);
}

HTEST(gate_table_number_owned_until_unregistered)
{
	memset(table, 0, sizeof(table));
	CHECK_EQ(reg(A, 3, 7, 0x10, PTR_NONE, GATE_FROM_APP), 0);
	CHECK_EQ(reg(B, 4, 7, 0x10, PTR_NONE, GATE_FROM_APP), -E_BUSY);
	CHECK_EQ(reg(A, 3, 7, 0x20, PTR_STR_IN, GATE_FROM_DRIVER), 0); /* its own: again */
	CHECK_EQ(table[7].handler, slot_base(3) + 0x20);
	CHECK_EQ(reg(B, 4, GATE_MAX - 1, 0x10, PTR_NONE, GATE_FROM_KERNEL), 0);
	gate_table_unregister_all(table, A);
	CHECK(table[7].driver == NULL && table[7].handler == 0 && table[7].callers == 0);
	CHECK(table[GATE_MAX - 1].driver == B);
	CHECK_EQ(reg(B, 4, 7, 0x10, PTR_NONE, GATE_FROM_APP), 0);
}

HTEST(gate_table_lookup_by_caller)
{
	memset(table, 0, sizeof(table));
	const struct gate *g = NULL;
	CHECK_EQ(gate_table_lookup(table, 5, GATE_FROM_APP, &g), -E_NOGATE);
	CHECK_EQ(gate_table_lookup(table, GATE_MAX, GATE_FROM_APP, &g), -E_NOGATE);
	CHECK_EQ(gate_table_lookup(table, ~0ull, GATE_FROM_APP, &g), -E_NOGATE);
	CHECK_EQ(reg(A, 3, 5, 0x10, PTR_NONE, GATE_FROM_APP | GATE_FROM_KERNEL), 0);
	CHECK_EQ(gate_table_lookup(table, 5, GATE_FROM_DRIVER, &g), -E_FORBIDDEN);
	CHECK(g == NULL);
	CHECK_EQ(gate_table_lookup(table, 5, GATE_FROM_KERNEL, &g), 0);
	CHECK(g == &table[5]);
}
