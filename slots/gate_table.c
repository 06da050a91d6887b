/* gate_table.c - registering and removing gates (gate_table.h). */
#include "gate_table.h"

i64 gate_table_register(struct gate *table, struct driver *d, u64 image, u64 span,
			u64 number, u64 handler, u64 ptr_class, u64 callers)
{
	if (!d)
		return -E_PERM; /* only a driver registers gates */
	if (number >= GATE_MAX)
		return -E_RANGE;
	if (handler < image || handler - image >= span ||
	    ptr_class >= PTR_CLASS_COUNT || callers == 0 ||
	    (callers & ~(u64)GATE_FROM_ALL))
		return -E_INVAL;
	if (table[number].driver && table[number].driver != d)
		return -E_BUSY;
	table[number] = (struct gate){d, handler, (u8)ptr_class, (u8)callers};
	return 0;
}

void gate_table_unregister_all(struct gate *table, const struct driver *d)
{
	for (unsigned i = 0; i < GATE_MAX; i++)
		if (table[i].driver == d)
			table[i] = (struct gate){0};
}
