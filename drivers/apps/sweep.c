/*
 * sweep.c - the working-set sweep: the application touches W of its pages,
 * then calls the null driver's touch gate, which touches W of its own,
 * W = 1, 2, 4 ... 1024; all of it timed.  Under icount it shows each
 * strategy's invalidation work growing with W (the invlpg ceiling at
 * work); on hardware, and in the TLB simulator (docs/tlb-simulation.md),
 * the TLB refills a flush causes as well.  The same sweep for the
 * baselines: the trusted and CR3-mode copies of null, and the IPC server,
 * which touches W pages of its own when asked (IPCSERVER_TOUCH).
 */
#include "slotgate/bench.h"
#include "slotgate/driver.h"
#include "slotgate/gates.h"
#include "slotgate/ipc.h"

#define MAX_PAGES 1024

static char pages[MAX_PAGES][4096] __attribute__((aligned(4096)));

static void touch_own(u64_t w)
{
	for (u64_t p = 0; p < w; p++)
		((volatile char *)pages[p])[0] = (char)p;
}

/* The caller's W pages, then gate @gates's touch(W). */
static long touch_via(u64_t gates, u64_t w)
{
	touch_own(w);
	return gate_call(gates + NULL_TOUCH, w, 0, 0, 0, 0, 0) == (long)w ? 0 : -1;
}

/* One body per row: scripts/bochs_trace.py finds each by its name. */
static long touch(u64_t w, u64_t i) { (void)i; return touch_via(NULL_GATES, w); }
static long touch_trusted(u64_t w, u64_t i) { (void)i; return touch_via(NULLT_GATES, w); }
static long touch_cr3(u64_t w, u64_t i) { (void)i; return touch_via(NULLC_GATES, w); }

static long touch_ipc(u64_t w, u64_t i)
{
	(void)i;
	touch_own(w);
	return syscall6(SYS_IPC_CALL, IPCSERVER_TOUCH, w, 0, 0, 0, 0) == (long)w ? 0 : -1;
}

#define WORKING_SET BENCH_PARAMS(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024), .samples = 101

BENCH(working_set, .name = "slot/working-set", WORKING_SET, .body = touch);
BENCH(working_set_trusted, .name = "trusted/working-set", WORKING_SET, .body = touch_trusted);
BENCH(working_set_cr3, .name = "cr3/working-set", WORKING_SET, .body = touch_cr3);
BENCH(working_set_ipc, .name = "ipc/working-set", WORKING_SET, .body = touch_ipc);

long main(u64_t arg) { return bench_main(arg); }
