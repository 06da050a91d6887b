/*
 * user.h - ring-3 programs: load an ELF image into the application slot
 * (PML4 entry 0), run it on the calling kernel thread until it exits or
 * faults, and give everything back.
 *
 * The program is a view of the application slot (slots/view.h): running
 * it shows that view on this CPU (the same slot swap a gate makes for a
 * driver) and leaving shows the previous one again.  user_run() returns only when the program is gone, with every
 * frame it used freed.
 */
#ifndef SLOTGATE_USER_H
#define SLOTGATE_USER_H

#include "ctx.h"
#include "trap.h"
#include "types.h"
#include "view.h"

struct user_run {
	const char *name;
	struct jmp_ctx ctx; /* where user_exit()/user_fault() resume */
	struct view view;   /* the application slot (PML4 entry 0) */
	i64 exit_code;
	bool killed;
	u64 heap_pages;     /* at APP_HEAP_BASE (selector 1 of the slot) */
	struct fault_info fault;
};

/*
 * Validate @image, map it, run it with @arg in RDI.  Returns 0 and sets
 * *exit_code when the program exited, -E_KILLED (fault in *fault if not
 * NULL) when a fault killed it, -E_NOEXEC for a malformed image,
 * -E_NOMEM when memory ran out.
 */
int user_run(const char *name, const void *image, size_t size, u64 arg,
	     i64 *exit_code, struct fault_info *fault);

/* user_run() on the boot module named @name: -E_NOENT if there is none. */
int user_run_module(const char *name, u64 arg, i64 *exit_code,
		    struct fault_info *fault);

/* From the system call path: end the current program. */
__attribute__((noreturn)) void user_exit(i64 code);
/* From the trap path: a ring-3 exception kills the current program. */
__attribute__((noreturn)) void user_fault(struct trap_frame *f);

/* SYS_HEAP_GROW from an application: its heap grows by @pages pages;
 * the address of the first new one, or -E_RANGE / -E_NOMEM. */
i64 user_heap_grow(u64 pages);

/* Copy between the kernel and the current program, checking the range
 * and surviving a fault: 0 or -E_FAULT. */
int user_copy_from(void *dst, u64 src, size_t n);
int user_copy_to(u64 dst, const void *src, size_t n);

#endif
