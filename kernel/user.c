/* user.c - loading, running and tearing down ring-3 programs. */
#include "user.h"
#include "arch/x86.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "elf.h"
#include "errno.h"
#include "kernel.h"
#include "kstring.h"
#include "load.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "flush.h"
#include "view.h"
#include "vm.h"

extern void user_enter(u64 rip, u64 rsp, u64 arg);

static int load_image(struct view *v, const void *image, size_t size, u64 *entry)
{
	struct elf_image elf;
	struct elf_limits lim = {APP_IMAGE_LO, APP_IMAGE_HI};
	int err = elf_parse(image, size, &lim, &elf);

	if (err) {
		kprintf("user: bad image: %s\n", elf_error_name(err));
		return -E_NOEXEC;
	}
	if ((err = load_segments(v, image, &elf, 0)) != 0)
		return err;
	for (u64 i = 1; i <= APP_STACK_PAGES; i++) {
		u64 frame = pmm_alloc();
		if (!frame)
			return -E_NOMEM;
		err = view_map(v, APP_STACK_TOP - i * PAGE_SIZE, frame,
			       VM_USER | VM_WRITE | VM_NX);
		if (err) {
			pmm_free(frame);
			return err;
		}
	}
	*entry = elf.entry;
	return 0;
}

int user_run(const char *name, const void *image, size_t size, u64 arg,
	     i64 *exit_code, struct fault_info *fault)
{
	struct cpu *cpu = this_cpu();
	struct user_run run = {.name = name};
	u64 entry = 0;

	int err = view_init(&run.view, APP_SLOT);
	if (err)
		return err;
	err = load_image(&run.view, image, size, &entry);
	if (err) {
		view_destroy(&cpu->slots, &run.view, pmm_free);
		return err;
	}
	struct thread *t = cpu->thread;
	BUG_ON(t->user);
	struct view *outer = cpu->slots.current;
	u64 kstack = cpu->kstack_top;
	t->user = &run;
	view_switch(&cpu->slots, &run.view);
	if (ctx_save(&run.ctx) == 0) {
		/* Its syscalls and traps use this thread's stack below us. */
		cpu_set_kernel_stack(cpu, ALIGN_DOWN(read_rsp() - 64, 16));
		user_enter(entry, APP_STACK_TOP, arg);
	}
	/* Back from user_exit() or user_fault(), on this stack again. */
	cpu = this_cpu();
	if (cpu->thread->own == &run.view) {
		/* It ended on its own PML4 (an IPC server killed while
		 * serving): this CPU's again before that PML4 is freed. */
		slot_cpu_reload(&cpu->slots);
		cpu->thread->own = NULL;
	}
	view_switch(&cpu->slots, outer);
	cpu_set_kernel_stack(cpu, kstack);
	cpu->thread->user = NULL;
	view_destroy(&cpu->slots, &run.view, pmm_free);
	if (fault)
		*fault = run.fault;
	if (run.killed)
		return -E_KILLED;
	if (exit_code)
		*exit_code = run.exit_code;
	return 0;
}

int user_run_module(const char *name, u64 arg, i64 *exit_code,
		    struct fault_info *fault)
{
	const void *image;
	size_t size;
	if (!module_find(name, &image, &size))
		return -E_NOENT;
	return user_run(name, image, size, arg, exit_code, fault);
}

i64 user_heap_grow(u64 pages)
{
	struct user_run *run = this_cpu()->thread->user;
	if (!run)
		return -E_PERM;
	return heap_grow_view(&run->view, APP_HEAP_BASE, &run->heap_pages, pages,
			      APP_HEAP_MAX_PAGES);
}

void user_exit(i64 code)
{
	struct user_run *run = this_cpu()->thread->user;
	BUG_ON(!run);
	run->exit_code = code;
	ctx_resume(&run->ctx, 1);
}

void user_fault(struct trap_frame *f)
{
	struct cpu *cpu = this_cpu();
	struct user_run *run = cpu->thread->user;

	if (!run)
		panic_frame(f, "ring-3 fault with no program running");
	cpu->counters.user_faults++;
	char who[48];
	ksnprintf(who, sizeof(who), "user %s killed", run->name);
	trap_report(who, f, false);
	run->killed = true;
	run->fault = (struct fault_info){f->vector, f->error, f->rip, read_cr2()};
	ctx_resume(&run->ctx, 1);
}

struct copy_args {
	void *dst;
	const void *src;
	size_t n;
};

static void do_user_copy(void *p)
{
	struct copy_args *a = p;
	user_access_begin();
	memcpy(a->dst, a->src, a->n);
	user_access_end();
}

static int user_copy(void *dst, const void *src, size_t n)
{
	struct copy_args a = {dst, src, n};
	struct fault_info info;
	return trap_catch(do_user_copy, &a, &info) < 0 ? 0 : -E_FAULT;
}

int user_copy_from(void *dst, u64 src, size_t n)
{
	if (!user_range_ok(src, n))
		return -E_FAULT;
	return user_copy(dst, (const void *)src, n);
}

int user_copy_to(u64 dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n))
		return -E_FAULT;
	return user_copy((void *)dst, src, n);
}
