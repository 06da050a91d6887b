/*
 * test_exhaust.c - every resource driven to its end (issue 14): each
 * case takes one resource until the kernel refuses, checks the refusal's
 * code, checks the system still answers, gives everything back and (with
 * the runner's counters: frames, heap objects, drivers, threads, window
 * pages, pins, driver stacks of ended threads) leaves nothing behind.
 *
 *   exhaust_frames       physical frames: an application, a driver's
 *                        heap, a driver's first stack and a window's
 *                        bounce page each refused with -E_NOMEM
 *   exhaust_heap         the kernel heap: kmalloc NULL, and what needs
 *                        it (driver_load, thread_spawn) -E_NOMEM
 *   exhaust_slots        driver slots 1..255: the next load -E_NOSLOT
 *   exhaust_pcids        more views than the PCID pool: data read
 *                        through each view is its own after recycling
 *   exhaust_threads      THREAD_MAX threads: the next -E_NOTHREAD
 *   exhaust_nesting      gate frames past GATE_MAX_DEPTH: -E_NESTING
 *   exhaust_windows      a buffer past PTR_BUF_MAX, and every depth's
 *                        window open at once and one more
 *   exhaust_driver_heap  a driver's heap to DRIVER_HEAP_MAX_PAGES and
 *                        one page more: -E_RANGE
 *   exhaust_gates        every free gate number taken: -E_BUSY, and
 *                        -E_RANGE past GATE_MAX
 *
 * Frames are drained by taking every free one from the allocator at once
 * (pmm_take_all: a bitmap, no heap, the frames neither zeroed nor
 * touched): the default 512 MiB is 2,048 bitmap words.  What a case wants
 * to see run out by itself (the kernel heap, an application's heap, a
 * driver's) gets the last few frames only.
 */
#include "bootinfo.h"
#include "console.h"
#include "driver.h"
#include "errno.h"
#include "flush.h"
#include "gate.h"
#include "gate_core.h"
#include "heap.h"
#include "kernel.h"
#include "ktest.h"
#include "memlayout.h"
#include "percpu.h"
#include "pmm.h"
#include "thread.h"
#include "trap.h"
#include "user.h"
#include "view.h"
#include "vm.h"
#include "window.h"
#include "slotgate/gates.h"
#include "slotgate/gtest.h"

/* Gate bases for the copies loaded here: clear of every driver of the
 * test ISO (boot/grub-test.cfg) and of test_gates.c's copies. */
#define HOG_GATES 3800
#define EXTRA_GATES 3900

static i64 gtest(enum gtest_action action, u64 param)
{
	return ktest_run_app("gtest", action, param);
}

static i64 kcall3(u64 gate, u64 a, u64 b, u64 c)
{
	const u64 args[6] = {a, b, c};
	return gate_call_kernel(gate, args);
}

static i64 kcall(u64 gate) { return kcall3(gate, 1, 2, 3); }

/* A fresh copy of driver image @image under @name at gate @base. */
static struct driver *load_copy(const char *image, const char *name, u64 base,
				int *err)
{
	const void *data;
	size_t size;
	struct driver *d = NULL;
	if (!module_find(image, &data, &size)) {
		*err = -E_NOENT;
		return NULL;
	}
	*err = driver_load(name, data, size, &(struct driver_options){.gate_base = base},
			   &d);
	return *err ? NULL : d;
}

/* The runner's count of frames in use (ktest.c), for a check inside a
 * case: frames held by nobody the kernel knows. */
static u64 frames_held(void)
{
	return pmm_allocated() - heap_cached_frames() - vm_tables_in_use() -
	       drivers_kept_pages();
}

/* --- frames taken here ------------------------------------------------------ */

/* A bit per frame below 4 GiB, taken and given back a bitmap word at a
 * time (pmm_take_all); frames above 4 GiB, if any, one by one and chained
 * through themselves.  The frames below are never touched. */
#define DRAIN_MAP_FRAMES ((4ull << 30) / PAGE_SIZE)
static u64 drain_map[DRAIN_MAP_FRAMES / 64];
static u64 drained_high; /* chain of frames above the map, 0: none */
static u64 drained_count, drain_cursor = ARRAY_SIZE(drain_map);

static u64 drain_frames(void)
{
	u64 n = pmm_take_all(drain_map, ARRAY_SIZE(drain_map)), f;
	while ((f = pmm_alloc_unzeroed()) != 0) {
		*(u64 *)phys_to_virt(f) = drained_high;
		drained_high = f;
		n++;
	}
	drained_count += n;
	drain_cursor = 0;
	return n;
}

/* Give back @n frames one by one (the lowest marked first). */
static void give_back(u64 n)
{
	for (; n && drained_count; n--, drained_count--) {
		if (drained_high) {
			u64 next = *(u64 *)phys_to_virt(drained_high);
			pmm_free(drained_high);
			drained_high = next;
			continue;
		}
		while (!drain_map[drain_cursor])
			drain_cursor++;
		u64 bit = (u64)__builtin_ctzll(drain_map[drain_cursor]);
		drain_map[drain_cursor] &= ~(1ull << bit);
		pmm_free((drain_cursor * 64 + bit) * PAGE_SIZE);
	}
}

static void give_back_all(void)
{
	for (; drained_high; drained_count--) {
		u64 next = *(u64 *)phys_to_virt(drained_high);
		pmm_free(drained_high);
		drained_high = next;
	}
	drained_count -= pmm_give_back_marked(drain_map, ARRAY_SIZE(drain_map));
}

/* --- exhaust_frames ------------------------------------------------------- */

/* A second thread making gate calls on request: a thread the driver
 * copy has no stack for yet (the loading thread got one from init). */
static struct {
	volatile u64 gate, a, b, c;
	volatile i64 result;
	volatile bool pending, stop;
} remote;

static void remote_loop(void *arg)
{
	(void)arg;
	while (!remote.stop) {
		if (remote.pending) {
			remote.result = kcall3(remote.gate, remote.a, remote.b, remote.c);
			remote.pending = false;
		}
		thread_yield();
	}
}

static i64 remote_call(u64 gate)
{
	remote.gate = gate;
	remote.a = 1, remote.b = 2, remote.c = 3;
	remote.pending = true;
	while (remote.pending)
		thread_yield();
	return remote.result;
}

KTEST(exhaust_frames)
{
	int err;
	struct driver *h = load_copy("hostile", "hog", HOG_GATES, &err);
	KT_EXPECT_EQ(err, 0);
	if (!h)
		return;
	/* Two whole pages and 100 bytes: the whole pages are mapped (the
	 * caller's frames, pinned), the tail goes through a bounce page. */
	u8 *buf = kmalloc(5 * PAGE_SIZE);
	u64 at = ALIGN_UP((u64)buf, PAGE_SIZE), len = 2 * PAGE_SIZE + 100;
	struct thread *other = NULL;
	remote.stop = remote.pending = false;
	KT_EXPECT_EQ(thread_spawn(remote_loop, NULL, &other), 0);
	KT_EXPECT(buf != NULL);
	if (!buf || !other) {
		remote.stop = true;
		if (other)
			thread_join(other);
		kfree(buf);
		driver_unload(h);
		return;
	}
	/* Once with room: the window's page tables exist from now on. */
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_TAKE, at, len, 0), (i64)len);
	u64 total = pmm_free_frames();
	u64 n = drain_frames();
	KT_EXPECT_EQ(n, total);
	KT_EXPECT_EQ(pmm_free_frames(), 0);

	/* An application cannot even be loaded. */
	KT_EXPECT_EQ(gtest(GTEST_HEAP_HOG, 1), -E_NOMEM);
	/* A gate into a driver the calling thread has no stack in yet. */
	u64 held = frames_held();
	KT_EXPECT_EQ(remote_call(HOG_GATES + HOSTILE_COUNT), -E_NOMEM);
	KT_EXPECT_EQ(frames_held(), held);
	/* Two frames: the stack (four pages) is half mapped, then given
	 * back; the next try, with room, gets one. */
	give_back(2);
	held = frames_held();
	KT_EXPECT_EQ(remote_call(HOG_GATES + HOSTILE_COUNT), -E_NOMEM);
	KT_EXPECT_EQ(frames_held(), held);
	KT_EXPECT_EQ(pmm_free_frames(), 2);
	KT_EXPECT_EQ(h->stack_cursor[other->id], 0);
	give_back(2);
	KT_EXPECT_EQ(remote_call(HOG_GATES + HOSTILE_COUNT), 1);
	KT_EXPECT(h->stack_cursor[other->id] != 0);
	remote.stop = true;
	thread_join(other); /* its stack in the copy goes with it */

	/* The driver asks for pages until refused: every page it got is
	 * there, and it answers after. */
	give_back(64);
	i64 r = kcall3(HOG_GATES + HOSTILE_HEAP_HOG, 1, 1u << 20, 0);
	KT_EXPECT_EQ(r & 0xff, E_NOMEM);
	KT_EXPECT(r >> 8 > 0);
	KT_EXPECT_EQ(h->heap_pages, (u64)r >> 8);
	KT_EXPECT(pmm_free_frames() <= 1); /* a frame whose table was refused */
	KT_EXPECT_EQ(kcall(HOG_GATES + HOSTILE_COUNT), 2);

	/* A window whose bounce page cannot be had after two pages were
	 * mapped and pinned: both go again (the runner counts them too). */
	drain_frames();
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_TAKE, at, len, 0), -E_NOMEM);
	KT_EXPECT_EQ(window_pages_mapped(), 0);
	KT_EXPECT_EQ(window_pages_pinned(), 0);

	/* An application with a little room: it loads, grows its heap a
	 * page at a time until refused - a request larger than what is left
	 * refused whole first - and every frame is back when it ends. */
	give_back(160);
	u64 free_before = pmm_free_frames();
	r = gtest(GTEST_HEAP_HOG, 1000);
	KT_EXPECT(r >= 0);
	KT_EXPECT_EQ((r >> 8) & 0xff, E_NOMEM); /* 1000 pages at once */
	KT_EXPECT_EQ(r & 0xff, E_NOMEM);        /* then one more */
	KT_EXPECT(r >> 16 > 0);
	KT_EXPECT_EQ(pmm_free_frames(), free_before);

	give_back_all();
	/* The system goes on. */
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_TAKE, at, len, 0), (i64)len);
	KT_EXPECT_EQ(kcall(HOG_GATES + HOSTILE_COUNT), 3);
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
	kfree(buf);
	driver_unload(h);
}

/* --- exhaust_heap ---------------------------------------------------------- */

static void nothing(void *arg) { (void)arg; }

/* kmalloc(@size) until NULL, chained through the objects onto *@list. */
static u64 hog_heap(void **list, size_t size)
{
	u64 n = 0;
	void *p;
	while ((p = kmalloc(size)) != NULL) {
		*(void **)p = *list;
		*list = p;
		n++;
	}
	return n;
}

static void free_list(void *list)
{
	while (list) {
		void *next = *(void **)list;
		kfree(list);
		list = next;
	}
}

KTEST(exhaust_heap)
{
	void *list = NULL;
	u64 objects = heap_live_objects();
	/* This thread's stack in null, so a gate call needs nothing new. */
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 6);
	/* Everything but 8 MiB taken first (the heap would zero 512 MiB):
	 * the heap itself runs out of the rest. */
	drain_frames();
	give_back(2048);
	/* Large objects (their own mapped pages) until refused: the last
	 * fails part way, and its pages are given back. */
	u64 large = hog_heap(&list, 1u << 20);
	/* Then one-page objects eat what is left, then the small size
	 * class's free list (no frame left to refill it). */
	u64 pages = hog_heap(&list, PAGE_SIZE - 64);
	u64 cached = heap_cached_frames();
	u64 small = hog_heap(&list, HEAP_SMALL_MAX);
	KT_EXPECT(large > 0);
	/* The last frame, if a page table was refused for it, may go to
	 * the size class; no more. */
	KT_EXPECT(heap_cached_frames() <= cached + 1);
	KT_EXPECT_EQ(heap_live_objects(), objects + large + pages + small);
	KT_EXPECT(pmm_free_frames() <= 1); /* at most a page table's refusal */
	KT_EXPECT_EQ(kmalloc(16), NULL);
	kprintf("    # heap: %lu 1 MiB objects, %lu pages, %lu small before NULL\n",
		large, pages, small);

	/* What needs the heap says so, and leaves nothing. */
	unsigned drivers = driver_count(), threads = thread_count();
	int err;
	KT_EXPECT_EQ(load_copy("null", "null3", EXTRA_GATES, &err), NULL);
	KT_EXPECT_EQ(err, -E_NOMEM);
	struct thread *t = NULL;
	KT_EXPECT_EQ(thread_spawn(nothing, NULL, &t), -E_NOMEM);
	KT_EXPECT_EQ(driver_count(), drivers);
	KT_EXPECT_EQ(thread_count(), threads);
	/* A gate call allocates nothing: it still works. */
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 6);

	free_list(list);
	give_back_all();
	KT_EXPECT_EQ(heap_live_objects(), objects);
	KT_EXPECT_EQ(thread_spawn(nothing, NULL, &t), 0);
	if (t)
		thread_join(t);
}

/* --- exhaust_slots ----------------------------------------------------------- */

KTEST(exhaust_slots)
{
	static struct driver *copies[LAST_DRIVER_SLOT];
	unsigned before = driver_count(), n = 0, at_last = 0;
	int err = 0;
	driver_load_quiet = true; /* 250 lines would cost seconds under Bochs */
	for (; n < LAST_DRIVER_SLOT; n++) {
		char name[DRIVER_NAME_MAX];
		ksnprintf(name, sizeof(name), "slot%u", n);
		copies[n] = load_copy("null", name, CLONE_GATES + CLONE_STRIDE * n, &err);
		if (!copies[n])
			break;
		if (copies[n]->slot == LAST_DRIVER_SLOT)
			at_last = n;
	}
	driver_load_quiet = false;
	kprintf("    # %u copies of null loaded, slots %u..%u\n", n,
		n ? copies[0]->slot : 0, n ? copies[at_last]->slot : 0);
	/* Slots 1..255: the load after the last free one is refused. */
	KT_EXPECT_EQ(err, -E_NOSLOT);
	KT_EXPECT_EQ(n, LAST_DRIVER_SLOT - before);
	KT_EXPECT_EQ(driver_count(), LAST_DRIVER_SLOT);
	KT_EXPECT(n > 0 && copies[at_last]->slot == LAST_DRIVER_SLOT);
	u64 objects = heap_live_objects(), held = frames_held();
	KT_EXPECT_EQ(load_copy("null", "one-more", EXTRA_GATES, &err), NULL);
	KT_EXPECT_EQ(err, -E_NOSLOT);
	KT_EXPECT_EQ(heap_live_objects(), objects);
	KT_EXPECT_EQ(frames_held(), held);
	KT_EXPECT_EQ(kcall(EXTRA_GATES + NULL_ADD), -E_NOGATE);
	/* The driver in the last slot (its slot ends at the top of the
	 * lower half) answers the kernel and an application. */
	u64 last = CLONE_GATES + CLONE_STRIDE * at_last;
	KT_EXPECT_EQ(kcall(last + NULL_ADD), 6);
	KT_EXPECT_EQ(gtest(GTEST_CALL, last + NULL_ADD), 21);
	while (n)
		driver_unload(copies[--n]);
	KT_EXPECT_EQ(driver_count(), before);
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
}

/* --- exhaust_pcids ----------------------------------------------------------- */

#define PCID_VIEWS 24
#define PCID_POOL 8 /* PCIDs 1..7 for the case: three views for each */
#define PCID_VA (APP_HEAP_BASE + 0x5000)

static struct view pviews[PCID_VIEWS];
static u64 pframes[PCID_VIEWS];

static u64 tag(unsigned i, unsigned round) { return 0x7a600000ull + round * 0x1000 + i; }

/* Every PCID of @c's pool names a view that holds it, and no two views
 * hold one; views of the case that own one: how many. */
static unsigned pool_consistent(struct slot_cpu *c, bool *ok)
{
	unsigned mine = 0;
	for (unsigned p = 1; p < c->pcids.size; p++) {
		struct view *o = c->pcids.owner[p];
		if (o && o->pcid[c->id] != p)
			*ok = false;
	}
	for (unsigned i = 0; i < PCID_VIEWS; i++) {
		u16 p = pviews[i].pcid[c->id];
		if (p && (p >= c->pcids.size || c->pcids.owner[p] != &pviews[i]))
			*ok = false;
		mine += p != 0;
	}
	return mine;
}

/* Every PCID of @c's pool free again and every context flushed; handing
 * out starts from 1.  Views that had one take a fresh (flushed) one at
 * their next use, as after view_flush_everywhere() under pcid. */
static void pool_reset(struct slot_cpu *c)
{
	view_flush_everywhere(c);
	for (unsigned p = 1; p < c->pcids.size; p++)
		if (c->pcids.owner[p])
			pcid_release(c, c->pcids.owner[p]);
	c->pcids.next = 1;
	c->pcids.live = 1;
}

KTEST(exhaust_pcids)
{
	struct slot_cpu *c = &this_cpu()->slots;
	struct view *shown = c->current;
	u16 saved_size = c->pcids.size, saved_used = c->pcids.used;
	unsigned made = 0;

	/* A small pool, so the case recycles every PCID several times
	 * quickly; every PCID is released first (no view loses more than
	 * its cached translations), with no view shown. */
	view_switch(c, NULL);
	if (flush_uses_pcid()) {
		pool_reset(c);
		c->pcids.size = PCID_POOL;
	}
	for (; made < PCID_VIEWS; made++) {
		struct view *v = &pviews[made];
		pframes[made] = pmm_alloc();
		if (!pframes[made] || view_init(v, APP_SLOT) != 0)
			break;
		*(u64 *)phys_to_virt(pframes[made]) = tag(made, 0);
		if (view_map(v, PCID_VA, pframes[made], VM_USER | VM_WRITE | VM_NX) != 0)
			break;
	}
	KT_EXPECT_EQ(made, PCID_VIEWS);

	/* Round after round through every view at the same address: each
	 * read must be that view's frame, whatever PCID it has now. */
	bool ok = true, right = true;
	unsigned misses = 0;
	for (unsigned round = 0; made == PCID_VIEWS && round < 4; round++) {
		for (unsigned i = 0; i < PCID_VIEWS; i++) {
			struct view *v = &pviews[i];
			u64 value = 0;
			struct fault_info info;
			if (round == 2 && i % 3 == 1) {
				/* Its page moves to a new frame while another
				 * view is shown (pcid: it loses its PCID). */
				u64 old = 0, fresh = pmm_alloc();
				KT_EXPECT(fresh != 0);
				KT_EXPECT_EQ(view_unmap(c, v, PCID_VA, &old), 0);
				KT_EXPECT_EQ(old, pframes[i]);
				*(u64 *)phys_to_virt(fresh) = tag(i, round);
				KT_EXPECT_EQ(view_map(v, PCID_VA, fresh,
						      VM_USER | VM_WRITE | VM_NX), 0);
				pmm_free(old);
				pframes[i] = fresh;
			}
			view_switch(c, v);
			if (ktest_read_user(PCID_VA, &value, &info) != -1 ||
			    value != (round == 3 || (round == 2 && i % 3 == 1)
					      ? tag(i, round)
					      : tag(i, 0))) {
				misses++;
				right = false;
			}
			/* The next round reads what this one leaves. */
			if (round == 2)
				*(u64 *)phys_to_virt(pframes[i]) = tag(i, 3);
			if (flush_uses_pcid() && (!v->pcid[c->id] ||
						  c->pcids.owner[v->pcid[c->id]] != v))
				ok = false;
			pool_consistent(c, &ok);
		}
	}
	KT_EXPECT(right);
	KT_EXPECT_EQ(misses, 0);
	KT_EXPECT(ok);
	/* Only the pool's worth of them hold a PCID (none without PCIDs). */
	unsigned mine = pool_consistent(c, &ok);
	KT_EXPECT_EQ(mine, flush_uses_pcid() ? PCID_POOL - 1 : 0);
	view_switch(c, NULL);

	for (unsigned i = 0; i < made; i++)
		view_destroy(c, &pviews[i], pmm_free);
	if (made < PCID_VIEWS && pframes[made])
		pmm_free(pframes[made]);
	/* No pool, on any CPU, names a view that is gone. */
	for (unsigned cpu = 0; cpu < VIEW_MAX_CPUS; cpu++) {
		struct slot_cpu *o = slot_cpu_at(cpu);
		for (unsigned p = 1; o && p < o->pcids.size; p++)
			for (unsigned i = 0; i < PCID_VIEWS; i++)
				KT_EXPECT(o->pcids.owner[p] != &pviews[i]);
	}
	if (flush_uses_pcid()) {
		pool_reset(c);
		c->pcids.size = saved_size;
		c->pcids.used = MAX(saved_used, c->pcids.used);
	}
	view_switch(c, shown);
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
}

/* --- exhaust_threads -------------------------------------------------------- */

static volatile bool threads_go;

static void worker(void *arg)
{
	i64 *result = arg;
	/* Each thread migrates into the copy on a driver stack of its own. */
	const u64 args[6] = {1, 2, 3};
	*result = gate_call_kernel(EXTRA_GATES + NULL_ADD, args);
	while (!threads_go)
		thread_yield();
}

KTEST(exhaust_threads)
{
	static struct thread *ts[THREAD_MAX];
	static i64 results[THREAD_MAX];
	unsigned before = thread_count(), n = 0;
	int err = 0;
	/* A copy of null of its own: thirty stacks would leave null's view
	 * past the invlpg strategy's ceiling, which is sticky (the gate
	 * counter case would see a CR3 write). */
	struct driver *d = load_copy("null", "threads", EXTRA_GATES, &err);
	KT_EXPECT_EQ(err, 0);
	if (!d)
		return;
	threads_go = false;
	for (; n < THREAD_MAX; n++) {
		results[n] = -1000;
		if ((err = thread_spawn(worker, &results[n], &ts[n])) != 0)
			break;
	}
	KT_EXPECT_EQ(err, -E_NOTHREAD);
	KT_EXPECT_EQ(n, THREAD_MAX - before);
	KT_EXPECT_EQ(thread_count(), THREAD_MAX);
	KT_EXPECT_EQ(thread_create(nothing, NULL), NULL);
	/* Every thread ran into the driver; the system answers meanwhile. */
	for (int i = 0; i < 3; i++)
		thread_yield();
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 6);
	threads_go = true;
	for (unsigned i = 0; i < n; i++) {
		thread_join(ts[i]);
		KT_EXPECT_EQ(results[i], 6);
	}
	KT_EXPECT_EQ(thread_count(), before);
	KT_EXPECT_EQ(driver_stacks_of_ended_threads(), 0);
	driver_unload(d);
	struct thread *t = NULL;
	KT_EXPECT_EQ(thread_spawn(nothing, NULL, &t), 0);
	if (t)
		thread_join(t);
}

/* --- exhaust_nesting --------------------------------------------------------- */

KTEST(exhaust_nesting)
{
	struct driver *nest = driver_find("nest");
	struct thread *me = this_cpu()->thread;
	KT_EXPECT(nest != NULL);
	if (!nest)
		return;
	/* nest.down(d) makes d + 2 frames (its own d + 1, then null). */
	KT_EXPECT_EQ(kcall3(NEST_GATES + NEST_DOWN, GATE_MAX_DEPTH - 2, 0, 0),
		     21 + GATE_MAX_DEPTH - 2);
	u64 cursor = nest->stack_cursor[me->id];
	for (int i = 0; i < 5; i++) {
		KT_EXPECT_EQ(kcall3(NEST_GATES + NEST_DOWN, GATE_MAX_DEPTH - 1, 0, 0),
			     -E_NESTING);
		/* Far past it: refused at the ninth frame, passed up eight. */
		KT_EXPECT_EQ(kcall3(NEST_GATES + NEST_DOWN, 1000, 0, 0), -E_NESTING);
		KT_EXPECT_EQ(gtest(GTEST_NEST, 1000), -E_NESTING);
		KT_EXPECT_EQ(me->gate_depth, 0);
		KT_EXPECT_EQ(me->gate_top, NULL);
		KT_EXPECT_EQ(nest->active, 0);
		/* Every frame put back the stack cursor it parked. */
		KT_EXPECT_EQ(nest->stack_cursor[me->id], cursor);
	}
	KT_EXPECT_EQ(kcall3(NEST_GATES + NEST_DOWN, GATE_MAX_DEPTH - 2, 0, 0),
		     21 + GATE_MAX_DEPTH - 2);
	KT_EXPECT_EQ(gtest(GTEST_NEST, GATE_MAX_DEPTH - 2), 21 + GATE_MAX_DEPTH - 2);
}

/* --- exhaust_windows --------------------------------------------------------- */

KTEST(exhaust_windows)
{
	int err;
	struct driver *h = load_copy("hostile", "windows", HOG_GATES, &err);
	KT_EXPECT_EQ(err, 0);
	if (!h)
		return;
	u8 *big = kmalloc(PTR_BUF_MAX + 1);
	KT_EXPECT(big != NULL);
	if (!big) {
		driver_unload(h);
		return;
	}
	/* One window at its largest, mapped page by page, and one byte
	 * more refused before anything is mapped. */
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_TAKE, (u64)big, PTR_BUF_MAX, 0),
		     PTR_BUF_MAX);
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_TAKE, (u64)big, PTR_BUF_MAX + 1, 0),
		     -E_PTR_TOO_LONG);
	KT_EXPECT_EQ(window_pages_mapped(), 0);
	KT_EXPECT_EQ(window_pages_pinned(), 0);
	/* Every depth of this thread's windows open at once (a buffer at an
	 * odd offset: mapped pages and bounce pages at each), then the same
	 * chain one deeper: refused at the ninth frame, every window closed
	 * on the way out. */
	u64 n = 64 * 1024 + 200, at = (u64)big + 100;
	for (int i = 0; i < 3; i++) {
		KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_PASS_DOWN, at, n, GATE_MAX_DEPTH - 1),
			     (i64)n + GATE_MAX_DEPTH - 1);
		KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_PASS_DOWN, at, n, GATE_MAX_DEPTH),
			     -E_NESTING);
		/* The copy areas of every depth (small buffers). */
		KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_PASS_DOWN, at, 100, GATE_MAX_DEPTH),
			     -E_NESTING);
		KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_PASS_DOWN, at, 100, GATE_MAX_DEPTH - 1),
			     100 + GATE_MAX_DEPTH - 1);
		KT_EXPECT_EQ(window_pages_mapped(), 0);
		KT_EXPECT_EQ(window_pages_pinned(), 0);
		KT_EXPECT_EQ(this_cpu()->thread->gate_depth, 0);
	}
	kfree(big);
	driver_unload(h);
}

/* --- exhaust_driver_heap ----------------------------------------------------- */

KTEST(exhaust_driver_heap)
{
	int err;
	struct driver *h = load_copy("hostile", "heapcap", HOG_GATES, &err);
	KT_EXPECT_EQ(err, 0);
	if (!h)
		return;
	/* To the cap in four requests, each page written by the driver. */
	i64 r = kcall3(HOG_GATES + HOSTILE_HEAP_HOG, DRIVER_HEAP_MAX_PAGES / 4,
		       DRIVER_HEAP_MAX_PAGES, 0);
	KT_EXPECT_EQ(r, DRIVER_HEAP_MAX_PAGES << 8);
	KT_EXPECT_EQ(h->heap_pages, DRIVER_HEAP_MAX_PAGES);
	/* One page more is refused, and so is a request that would wrap. */
	u64 held = frames_held();
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_HEAP_HOG, 1, 1, 0), E_RANGE);
	KT_EXPECT_EQ(kcall3(HOG_GATES + HOSTILE_HEAP_HOG, ~0ull >> 1, 1, 0), E_RANGE);
	KT_EXPECT_EQ(frames_held(), held);
	KT_EXPECT_EQ(h->heap_pages, DRIVER_HEAP_MAX_PAGES);
	KT_EXPECT_EQ(kcall(HOG_GATES + HOSTILE_COUNT), 1);
	driver_unload(h);
}

/* --- exhaust_gates ------------------------------------------------------------ */

static unsigned free_gates(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < GATE_MAX; i++)
		n += gates[i].driver == NULL;
	return n;
}

KTEST(exhaust_gates)
{
	int err;
	struct driver *h = load_copy("hostile", "flood", HOG_GATES, &err);
	KT_EXPECT_EQ(err, 0);
	if (!h)
		return;
	unsigned free = free_gates(), own = 0;
	for (unsigned i = 0; i < GATE_MAX; i++)
		own += gates[i].driver == h;
	KT_EXPECT_EQ(own, HOSTILE_GATE_COUNT);
	/* Every number from 0 to one past the table: those taken by other
	 * drivers are refused (-E_BUSY) and left to them, the free ones and
	 * its own are its, and GATE_MAX itself is out of range. */
	i64 r = kcall3(HOG_GATES + HOSTILE_GATE_FLOOD, 0, GATE_MAX + 1, 0);
	KT_EXPECT_EQ(r & 0xffff, free + own);
	KT_EXPECT_EQ((r >> 16) & 0xffff, GATE_MAX - free - own);
	KT_EXPECT_EQ(r >> 32, E_RANGE);
	KT_EXPECT_EQ(free_gates(), 0);

	/* The table is full: a driver whose init registers a gate is
	 * refused with its init's code, and nothing of it stays. */
	unsigned drivers = driver_count();
	KT_EXPECT_EQ(load_copy("null", "late", EXTRA_GATES, &err), NULL);
	KT_EXPECT_EQ(err, -E_BUSY);
	KT_EXPECT_EQ(driver_count(), drivers);
	/* Everyone else's gates are still theirs. */
	KT_EXPECT_EQ(kcall(NULL_GATES + NULL_ADD), 6);
	KT_EXPECT_EQ(gtest(GTEST_CALL, NULL_GATES + NULL_ADD), 21);
	KT_EXPECT_EQ(gtest(GTEST_NEST, 1), 22);
	/* A flooded number answers the kernel only. */
	KT_EXPECT_EQ(kcall(EXTRA_GATES), 1);
	KT_EXPECT_EQ(gtest(GTEST_CALL, EXTRA_GATES), -E_FORBIDDEN);

	driver_unload(h);
	KT_EXPECT_EQ(free_gates(), free + own);
	KT_EXPECT_EQ(kcall(EXTRA_GATES), -E_NOGATE);
}
