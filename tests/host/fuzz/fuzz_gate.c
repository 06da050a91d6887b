/*
 * fuzz_gate.c - libFuzzer harness for the gate table (slots/gate_table.c):
 * random sequences of registrations (by no driver or one of four, with
 * numbers near the table's edges, handlers around the driver's image,
 * any class and callers mask), removals of a driver's gates and lookups
 * by each kind of caller, each checked against a model written from
 * gate_table.h's contract: a map from number to (owner, handler, class,
 * callers).  After every step the touched entry, and at the end the
 * whole table, must equal the model; an entry of the table is never
 * half-written, never outside its owner's image, and a lookup admits
 * exactly the callers its mask names.
 *
 *   make fuzz (build/fuzz/fuzz_gate), tests/host/fuzz/corpus/gate/
 */
#include "fuzz_input.h"
#include "gate_table.h"
#include "memlayout.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DRIVERS 4
#define SPAN (1ull << 32) /* DRIVER_IMAGE_SPAN */

static struct gate table[GATE_MAX];
static char drivers[DRIVERS]; /* only their addresses matter */
static const unsigned driver_slot[DRIVERS] = {1, 2, 200, 255};

struct model_gate {
	int owner; /* -1: empty */
	u64 handler;
	unsigned cls, callers;
};
static struct model_gate model[GATE_MAX];
/* Numbers an input registered: only those may differ from empty. */
static u64 touched[256];
static unsigned ntouched;
static const struct gate zeros[GATE_MAX];

static struct driver *drv(int i) { return i < 0 ? NULL : (struct driver *)&drivers[i]; }

static u64 pick_number(struct fuzz_in *in)
{
	switch (fuzz_pick(in, 8)) {
	case 0: return GATE_MAX - 1 - fuzz_pick(in, 4);
	case 1: return GATE_MAX + fuzz_pick(in, 4);
	case 2: return fuzz_u64(in);
	default: return fuzz_pick(in, 32); /* few numbers: collisions */
	}
}

static u64 pick_handler(struct fuzz_in *in, u64 image)
{
	switch (fuzz_pick(in, 6)) {
	case 0: return image - 1 - fuzz_pick(in, 4);
	case 1: return image + SPAN - fuzz_pick(in, 4);
	case 2: return fuzz_u64(in);
	default: return image + fuzz_u32(in);
	}
}

/* The model's verdict on a registration, from gate_table.h alone. */
static i64 model_register(int d, u64 image, u64 number, u64 handler, u64 cls, u64 callers)
{
	if (d < 0)
		return -E_PERM;
	if (number >= GATE_MAX)
		return -E_RANGE;
	bool inside = handler >= image && handler < image + SPAN; /* no wrap here */
	bool known = callers != 0 && (callers | GATE_FROM_APP | GATE_FROM_DRIVER |
				      GATE_FROM_KERNEL) == (GATE_FROM_APP | GATE_FROM_DRIVER |
							    GATE_FROM_KERNEL);
	if (!inside || cls >= PTR_CLASS_COUNT || !known)
		return -E_INVAL;
	if (model[number].owner >= 0 && model[number].owner != d)
		return -E_BUSY;
	model[number] = (struct model_gate){d, handler, (unsigned)cls, (unsigned)callers};
	return 0;
}

static void same_entry(u64 n)
{
	const struct gate *g = &table[n];
	const struct model_gate *m = &model[n];
	if (m->owner < 0) {
		static const struct gate empty;
		FUZZ_CHECK(memcmp(g, &empty, sizeof(*g)) == 0);
		return;
	}
	FUZZ_CHECK(g->driver == drv(m->owner));
	FUZZ_CHECK(g->handler == m->handler && g->ptr_class == m->cls &&
		   g->callers == m->callers);
	u64 image = slot_base(driver_slot[m->owner]);
	FUZZ_CHECK(g->handler >= image && g->handler - image < SPAN);
}

static void model_init(void)
{
	for (unsigned i = 0; i < GATE_MAX; i++)
		model[i].owner = -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		model_init();
		ready = true;
	}
	struct fuzz_in in = {data, size};
	unsigned removals = 0; /* each walks the whole table: a few per input */

	/* The table and the model start empty (the last input's entries
	 * were put back at its end). */
	ntouched = 0;
	for (unsigned step = 0; step < 256 && fuzz_more(&in); step++) {
		u8 op = fuzz_u8(&in);
		if (op < 140) { /* register */
			int d = (int)fuzz_pick(&in, DRIVERS + 1) - 1;
			u64 image = slot_base(driver_slot[d < 0 ? 0 : d]);
			u64 number = pick_number(&in), handler = pick_handler(&in, image);
			u64 cls = fuzz_u8(&in) < 230 ? fuzz_pick(&in, PTR_CLASS_COUNT)
						       : fuzz_u64(&in);
			u64 callers = fuzz_u8(&in) < 230 ? fuzz_pick(&in, 8) : fuzz_u64(&in);
			i64 got = gate_table_register(table, drv(d), image, SPAN, number,
						      handler, cls, callers);
			FUZZ_CHECK(got == model_register(d, image, number, handler, cls, callers));
			if (number < GATE_MAX) {
				same_entry(number);
				touched[ntouched++] = number;
			}
		} else if (op < 160 && removals++ < 3) { /* a driver's gates all go */
			int d = (int)fuzz_pick(&in, DRIVERS);
			gate_table_unregister_all(table, drv(d));
			for (unsigned i = 0; i < ntouched; i++)
				if (model[touched[i]].owner == d)
					model[touched[i]].owner = -1;
		} else if (op >= 160) { /* look up */
			static const u8 bits[] = {GATE_FROM_APP, GATE_FROM_DRIVER, GATE_FROM_KERNEL};
			u64 number = pick_number(&in);
			u8 bit = bits[fuzz_pick(&in, 3)];
			const struct gate *g = NULL;
			i64 got = gate_table_lookup(table, number, bit, &g);
			i64 want = number >= GATE_MAX || model[number].owner < 0 ? -E_NOGATE
				 : !(model[number].callers & bit)		  ? -E_FORBIDDEN
											  : 0;
			FUZZ_CHECK(got == want);
			FUZZ_CHECK(got ? g == NULL : g == &table[number]);
		}
	}
	/* Every entry the input touched equals the model; put back empty,
	 * the whole table must then be empty: nothing was written elsewhere. */
	for (unsigned i = 0; i < ntouched; i++)
		same_entry(touched[i]);
	for (unsigned i = 0; i < ntouched; i++) {
		table[touched[i]] = (struct gate){0};
		model[touched[i]].owner = -1;
	}
	FUZZ_CHECK(memcmp(table, zeros, sizeof(table)) == 0);
	return 0;
}
