/* driver.c - loading, relocating, starting, restarting and unloading drivers. */
#include "driver.h"
#include "bootinfo.h"
#include "console.h"
#include "elf.h"
#include "errno.h"
#include "gate.h"
#include "heap.h"
#include "kernel.h"
#include "kpt.h"
#include "kstring.h"
#include "load.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "vm.h"

static struct driver *slots_in_use[LAST_DRIVER_SLOT + 1];
bool driver_load_quiet;

static unsigned slot_alloc(struct driver *d)
{
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++) {
		if (!slots_in_use[s]) {
			slots_in_use[s] = d;
			return s;
		}
	}
	return 0;
}

/* elf_relocate() callback: store through the direct map, byte by byte
 * where a target straddles two pages. */
static void write_reloc(void *ctx, u64 offset, u64 value)
{
	struct driver *d = ctx;
	for (int i = 0; i < 8; i++) {
		struct vm_mapping m;
		u64 va = slot_base(d->slot) + offset + (u64)i;
		BUG_ON(!vm_query(d->view.tables, va, &m)); /* checked by elf.c */
		*(u8 *)phys_to_virt(m.pa) = (u8)(value >> (8 * i));
	}
}

/* Map and relocate the image into the (empty) view; the loader's reason
 * for refusing it in *@image_error. */
static int load_image(struct driver *d, int *image_error)
{
	struct elf_image elf;
	struct elf_relocs rel;
	int err = elf_parse_driver(d->image, d->image_size, DRIVER_IMAGE_SPAN,
				   &elf, &rel);
	*image_error = err;
	if (err) {
		kprintf("driver %s: bad image: %s\n", d->name, elf_error_name(err));
		return -E_NOEXEC;
	}
	if ((err = load_segments(&d->view, d->image, &elf, slot_base(d->slot))) != 0)
		return err;
	elf_relocate(d->image, &rel, slot_base(d->slot), write_reloc, d);
	d->entry = slot_base(d->slot) + elf.entry;
	memset(d->stack_cursor, 0, sizeof(d->stack_cursor));
	d->heap_pages = 0;
	return 0;
}

static u64 stack_top(struct driver *d, unsigned tid)
{
	return slot_base(d->slot) + DRIVER_STACK_SELECTOR * SELECTOR_SIZE +
	       (tid + 1) * DRIVER_STACK_STRIDE;
}

u64 driver_stack(struct driver *d, unsigned tid)
{
	if (d->stack_cursor[tid])
		return d->stack_cursor[tid];
	u64 top = stack_top(d, tid);
	for (u64 i = 1; i <= DRIVER_STACK_PAGES; i++) {
		u64 frame = pmm_alloc();
		if (!frame || view_map(&d->view, top - i * PAGE_SIZE, frame,
				       VM_USER | VM_WRITE | VM_NX) != 0) {
			if (frame)
				pmm_free(frame);
			/* Give back the pages mapped so far.  Left mapped (as
			 * they were), they were frames no count owned until the
			 * driver went, and the next try found its first page
			 * mapped already: -E_NOMEM for ever for this thread in
			 * this driver (exhaust_frames). */
			while (--i >= 1) {
				u64 pa;
				BUG_ON(view_unmap_unpinned(&this_cpu()->slots, &d->view,
							   top - i * PAGE_SIZE, &pa) != 0);
				pmm_free(pa);
			}
			return 0;
		}
	}
	d->stack_cursor[tid] = top;
	return top;
}

void drivers_release_thread(unsigned tid)
{
	struct slot_cpu *c = &this_cpu()->slots;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++) {
		struct driver *d = slots_in_use[s];
		if (!d || !d->stack_cursor[tid])
			continue;
		for (u64 i = 1; i <= DRIVER_STACK_PAGES; i++) {
			u64 pa;
			if (view_unmap(c, &d->view, stack_top(d, tid) - i * PAGE_SIZE,
				       &pa) == 0)
				pmm_free(pa);
		}
		d->stack_cursor[tid] = 0;
		window_release_thread(c, &d->view, driver_window_base(d, tid, 0),
				      GATE_MAX_DEPTH);
	}
}

u64 drivers_kept_pages(void)
{
	u64 n = 0;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++) {
		const struct driver *d = slots_in_use[s];
		if (!d)
			continue;
		/* Its heap: the driver's until it restarts or goes (then the
		 * frames must come back, and a leak shows). */
		n += d->view.kept_pages + d->heap_pages;
		/* Live threads' stacks: kept until the thread ends, and gone
		 * with the view when the driver restarts. */
		for (unsigned t = 0; t < THREAD_MAX; t++)
			n += d->stack_cursor[t] ? DRIVER_STACK_PAGES : 0;
	}
	return n;
}

unsigned driver_stacks_live(void)
{
	unsigned n = 0;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++)
		for (unsigned t = 0; slots_in_use[s] && t < THREAD_MAX; t++)
			n += slots_in_use[s]->stack_cursor[t] != 0;
	return n;
}

unsigned driver_stacks_of_ended_threads(void)
{
	unsigned n = 0;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++)
		for (unsigned t = 0; slots_in_use[s] && t < THREAD_MAX; t++)
			n += slots_in_use[s]->stack_cursor[t] && !thread_in_use(t);
	return n;
}

u64 drivers_heap_pages(void)
{
	u64 n = 0;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++)
		n += slots_in_use[s] ? slots_in_use[s]->heap_pages : 0;
	return n;
}

i64 driver_heap_grow(struct driver *d, u64 pages)
{
	return heap_grow_view(&d->view,
			      slot_base(d->slot) + DRIVER_HEAP_SELECTOR * SELECTOR_SIZE,
			      &d->heap_pages, pages, DRIVER_HEAP_MAX_PAGES);
}

static void free_view(struct driver *d)
{
	struct slot_cpu *c = &this_cpu()->slots;
	/* A start that failed freed it already (a restart that failed leaves
	 * the driver dead and viewless until it is unloaded). */
	if (!d->view.tables)
		return;
	if (driver_always_shown(d->mode))
		view_hide_always(c, &d->view);
	view_destroy(c, &d->view, pmm_free);
}

static int start(struct driver *d, int *image_error)
{
	int err = view_init(&d->view, d->slot);
	if (err)
		return err;
	/* Ports go with the view: the TSS bitmap follows the view shown. */
	d->view.io_base = d->io_base;
	d->view.io_count = d->io_count;
	err = load_image(d, image_error);
	if (!err && driver_always_shown(d->mode))
		view_show_always(&this_cpu()->slots, &d->view);
	if (!err && d->mode == DRIVER_CR3) /* a whole address space of its own */
		memcpy(d->view.tables + KERNEL_FIRST_PML4, kernel_pml4 + KERNEL_FIRST_PML4,
		       256 * sizeof(u64));
	if (!err)
		err = (int)gate_run_init(d);
	if (err)
		free_view(d);
	return err;
}

static const char *const mode_names[] = {
	[DRIVER_SLOT] = "", [DRIVER_TRUSTED] = ", trusted", [DRIVER_CR3] = ", cr3",
	[DRIVER_ALLMAPPED] = ", allmapped"};

int driver_load(const char *name, const void *image, size_t size,
		const struct driver_options *opt, struct driver **out)
{
	struct driver *d = kzalloc(sizeof(*d));
	if (!d)
		return -E_NOMEM;
	strncpy_safe(d->name, name, sizeof(d->name));
	d->image = image;
	d->image_size = size;
	d->policy = opt->policy;
	d->gate_base = opt->gate_base;
	d->io_base = opt->io_base;
	d->io_count = opt->io_count;
	d->mode = opt->mode;
	d->slot = slot_alloc(d);
	int image_error = 0;
	int err = d->slot ? start(d, &image_error) : -E_NOSLOT;
	if (opt->image_error)
		*opt->image_error = image_error;
	if (err) {
		kprintf("driver %s: not loaded: %s\n", name, error_name(err));
		gate_unregister_all(d);
		if (d->slot)
			slots_in_use[d->slot] = NULL;
		kfree(d);
		return err;
	}
	if (!driver_load_quiet)
		kprintf("driver %s: slot %u at 0x%lx, gates from %lu, policy %s, ports %u%s\n",
			d->name, d->slot, slot_base(d->slot), d->gate_base,
			d->policy == DRIVER_RESTART ? "restart" : "refuse", d->io_count,
			mode_names[d->mode]);
	*out = d;
	return 0;
}

void driver_unload(struct driver *d)
{
	BUG_ON(d->active);
	gate_unregister_all(d);
	free_view(d);
	slots_in_use[d->slot] = NULL;
	kfree(d);
}

int driver_restart(struct driver *d)
{
	BUG_ON(d->active);
	d->restart_pending = false;
	d->restarts++;
	free_view(d);
	/* Every thread's stack went with the view (no thread is inside):
	 * each gets a new one on its next call. */
	memset(d->stack_cursor, 0, sizeof(d->stack_cursor));
	int image_error;
	int err = start(d, &image_error);
	if (err) {
		kprintf("driver %s: restart failed: %s\n", d->name, error_name(err));
		d->dead = true;
		return err;
	}
	kprintf("driver %s: restarted from its image\n", d->name);
	return 0;
}

struct driver *driver_find(const char *name)
{
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++)
		if (slots_in_use[s] && strcmp(slots_in_use[s]->name, name) == 0)
			return slots_in_use[s];
	return NULL;
}

unsigned driver_count(void)
{
	unsigned n = 0;
	for (unsigned s = FIRST_DRIVER_SLOT; s <= LAST_DRIVER_SLOT; s++)
		n += slots_in_use[s] != NULL;
	return n;
}

/* A number in decimal, or hex after 0x; *end is set past it. */
static u64 parse_number(const char *s, const char **end)
{
	u64 v = 0;
	if (s[0] == '0' && s[1] == 'x') {
		for (s += 2;; s++) {
			char c = *s;
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				   : 16;
			if (d == 16)
				break;
			v = v * 16 + d;
		}
	} else {
		for (; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (u64)(*s - '0');
	}
	*end = s;
	return v;
}

/* "NAME driver gates=N policy=restart|refuse io=BASE:COUNT" */
static bool parse_module_line(const char *line, char *name,
			      struct driver_options *opt)
{
	char word[32];
	bool is_driver = false;
	const char *end;

	*opt = (struct driver_options){.policy = DRIVER_RESTART};
	for (int w = 0; *line; w++) {
		size_t n;
		while (*line == ' ')
			line++;
		for (n = 0; *line && *line != ' ' && n < sizeof(word) - 1; n++)
			word[n] = *line++;
		word[n] = '\0';
		if (w == 0)
			strncpy_safe(name, word, DRIVER_NAME_MAX);
		else if (strcmp(word, "driver") == 0)
			is_driver = true;
		else if (strncmp(word, "gates=", 6) == 0)
			opt->gate_base = parse_number(word + 6, &end);
		else if (strcmp(word, "policy=refuse") == 0)
			opt->policy = DRIVER_REFUSE;
		else if (strncmp(word, "io=", 3) == 0) {
			opt->io_base = (u16)parse_number(word + 3, &end);
			if (*end == ':')
				opt->io_count = (u16)parse_number(end + 1, &end);
		}
	}
	return is_driver;
}

/* Is @name in the kernel command line's KEY=A,B,C list? */
static bool on_cmdline(const char *key, const char *name)
{
	char list[128];
	size_t n = strlen(name);
	if (!cmdline_get(key, list, sizeof(list)))
		return false;
	for (const char *p = list; *p;) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return false;
}

void drivers_load_modules(void)
{
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const struct mb2_module *m = &boot_info.modules[i];
		char name[DRIVER_NAME_MAX];
		struct driver_options opt;
		struct driver *d;
		if (!parse_module_line(m->cmdline, name, &opt))
			continue;
		opt.mode = on_cmdline("trusted", name)   ? DRIVER_TRUSTED
			 : on_cmdline("cr3", name)       ? DRIVER_CR3
			 : on_cmdline("allmapped", name) ? DRIVER_ALLMAPPED
							 : DRIVER_SLOT;
		driver_load(name, phys_to_virt(m->start), m->end - m->start, &opt, &d);
	}
}
