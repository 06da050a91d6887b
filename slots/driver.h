/*
 * driver.h - 64-bit drivers, each relocated into its own PML4 slot.
 *
 * A driver is a position-independent ELF image (drivers/lib/driver.ld,
 * linked at 0) loaded as a module, checked by elf_parse_driver(), copied
 * and relocated into a free slot (PML4 entry 1..255) and started by
 * running its driver_init() through a kernel gate call; init registers
 * the driver's gates.  Inside the slot, selectors (4 GiB each) divide the
 * space (docs/memory-map.md):
 *   selector +0  the image
 *   selector +1  the heap, grown page by page on request (SYS_HEAP_GROW)
 *   selector +2  per-thread driver stacks, DRIVER_STACK_PAGES each, every
 *                one below an unmapped guard region
 *
 * Trusted mode (the seed's "boxing"): the same image, loaded with
 * trusted=NAME on the kernel command line, has its slot shown in every
 * view.  A gate into it swaps nothing and flushes nothing, and pointers
 * from applications and drivers are validated but passed as they are
 * (kernel buffers are still mapped into its window: ring 3 never sees
 * kernel pages).  The driver still runs at ring 3, but nothing isolates
 * it from its callers.
 *
 * All-mapped mode (allmapped=NAME), the SPEC's `allmapped` baseline:
 * like trusted, its slot is shown in every view and a gate into it swaps
 * and flushes nothing, but pointers reach it the way they reach an
 * isolated driver, through its windows (mapped, bounced or copied by the
 * gate's class).  What separates `allmapped` from `slot-*` is therefore
 * exactly the slot swap and its flush; a system whose drivers are all
 * loaded this way has every slot present and no isolation between them.
 *
 * CR3 mode (cr3=NAME on the command line), the baseline the gate is
 * measured against: the same image, but a call switches to the driver's
 * own address space by loading CR3 with its PML4 (its slot plus the
 * kernel half), with its PCID where the build uses PCIDs - thread
 * migration into a separate address space, the classic way.
 *
 * A driver that faults is marked by its policy: DRIVER_RESTART reloads it
 * from its image (state reset, gates kept) once no thread is inside it;
 * DRIVER_REFUSE leaves it dead, every later call gets -E_DEAD.
 */
#ifndef SLOTGATE_DRIVER_H
#define SLOTGATE_DRIVER_H

#include "thread.h"
#include "types.h"
#include "gate.h"
#include "memlayout.h"
#include "view.h"
#include "window.h"

#define DRIVER_NAME_MAX 16
#define DRIVER_IMAGE_SPAN (1ull << 32) /* selector +0 */
#define DRIVER_HEAP_SELECTOR 1
#define DRIVER_HEAP_MAX_PAGES 16384 /* 64 MiB */
#define DRIVER_STACK_SELECTOR 2
#define DRIVER_STACK_PAGES 4
#define DRIVER_STACK_STRIDE (64ull << 10) /* per thread: stack + guard gap */

enum driver_policy { DRIVER_RESTART, DRIVER_REFUSE };
enum driver_mode {
	DRIVER_SLOT = 0,      /* isolated: its slot swapped in by the gate */
	DRIVER_TRUSTED = 1,   /* shown in every view: no slot swap, no flush */
	DRIVER_CR3 = 2,       /* isolated: its own address space, loaded into CR3 */
	DRIVER_ALLMAPPED = 3, /* shown in every view, pointers through windows */
};

/* Shown in every view (view_show_always): no swap, no flush on a gate.
 * One bit of the mode, so the gate path tests it in one instruction. */
static inline bool driver_always_shown(enum driver_mode m) { return m & 1; }

struct driver {
	char name[DRIVER_NAME_MAX];
	unsigned slot;
	struct view view;
	const void *image;
	size_t image_size;
	u64 entry;     /* slot address of the runtime's _driver_entry */
	u64 gate_base; /* first gate number, handed to driver_init */
	enum driver_policy policy;
	bool dead;
	bool restart_pending;
	unsigned active;   /* threads inside the driver now */
	unsigned faults;
	unsigned restarts;
	u64 heap_pages;    /* mapped at the start of selector +1 */
	u16 io_base;       /* I/O ports granted while the driver runs */
	u16 io_count;
	enum driver_mode mode;
	u64 stack_cursor[THREAD_MAX]; /* where the next entry's stack starts */
};

/*
 * Check, load, relocate and start a driver.  0 and *out, or: -E_NOEXEC
 * (malformed image; the ELF error is logged), -E_NOSLOT, -E_NOMEM, or
 * the error its init returned.  On failure nothing is left allocated.
 */
struct driver_options {
	enum driver_policy policy;
	u64 gate_base;       /* first gate number, handed to driver_init */
	u16 io_base, io_count; /* I/O ports it may use (0 = none) */
	enum driver_mode mode; /* command line trusted=A,B cr3=C allmapped=D */
	int *image_error;    /* if set, where a load tells the ELF loader's
				reason (enum elf_error; 0: the image passed) */
};

int driver_load(const char *name, const void *image, size_t size,
		const struct driver_options *opt, struct driver **out);
/* Set: driver_load() logs only failures.  Under Bochs a line costs about
 * 0.7 million instructions (the kernel waits on the emulated UART): the
 * 247 lines of exhaust_slots were 178 of its 196 million. */
extern bool driver_load_quiet;
/* Unregister the gates, free the slot and every page.  No thread may be
 * inside. */
void driver_unload(struct driver *d);
/* Load every module whose command line says "driver" (at boot). */
void drivers_load_modules(void);
struct driver *driver_find(const char *name);

/* Stack top for thread @tid entering @d, mapping the stack on first use;
 * 0 when out of memory. */
u64 driver_stack(struct driver *d, unsigned tid);
/* Thread @tid's window at nesting depth @depth in @d (selector +3 on). */
static inline u64 driver_window_base(const struct driver *d, unsigned tid,
				     unsigned depth)
{
	return slot_base(d->slot) + WINDOW_FIRST_SELECTOR * SELECTOR_SIZE +
	       (tid * GATE_MAX_DEPTH + depth) * WINDOW_SPAN;
}

/* Pages all drivers keep mapped for reuse (copy areas), for a live
 * thread (its stack) or as their heap: not leaks. */
u64 drivers_kept_pages(void);
/* (driver, thread) pairs with a stack now (leak checks, SYS_COUNTERS). */
unsigned driver_stacks_live(void);
/* Pages of every driver's heap (SYS_COUNTERS). */
u64 drivers_heap_pages(void);
/* Driver stacks still held for threads that have ended: each is a leak
 * drivers_kept_pages() would hide (the test runner wants 0 change). */
unsigned driver_stacks_of_ended_threads(void);

/* SYS_HEAP_GROW from @d: map @pages more zeroed pages at the heap's end;
 * the address of the first, or -E_RANGE / -E_NOMEM (nothing mapped). */
i64 driver_heap_grow(struct driver *d, u64 pages);
/* Thread @tid has ended: unmap and free its stack in every driver. */
void drivers_release_thread(unsigned tid);
/* Reload @d from its image: fresh data, stacks and view; gates kept. */
int driver_restart(struct driver *d);

/* Frames, slots and drivers in use, for leak checks. */
unsigned driver_count(void);

#endif
