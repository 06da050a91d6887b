/* syscall.c - SYSCALL/SYSRET setup and the system call table. */
#include "syscall.h"
#include "nmitest.h"
#include "arch/x86.h"
#include "bench.h"
#include "console.h"
#include "errno.h"
#include "driver.h"
#include "gate.h"
#include "ipc.h"
#include "ktest.h"
#include "gdt.h"
#include "percpu.h"
#include "user.h"
#include "slotgate/abi.h"

extern void syscall_entry(void);

/* How stubs/syscall.asm sorts the numbers: plain calls below SYS_COUNT,
 * the gates from GATE_SYSCALL_BASE, the return gate just below them and
 * the short IPC calls between, entered with every register saved. */
_Static_assert(SYS_GATE_RETURN >= SYS_COUNT && SYS_GATE_RETURN < GATE_SYSCALL_BASE,
	       "the return gate sorts apart");
_Static_assert(SYS_IPC_CALL >= SYS_COUNT && SYS_IPC_CALL < SYS_GATE_RETURN &&
		       SYS_IPC_REPLY_WAIT >= SYS_COUNT &&
		       SYS_IPC_REPLY_WAIT < SYS_GATE_RETURN,
	       "the stub saves every register for them");
_Static_assert(sizeof(struct ipc_frame) == 16 * 8 &&
		       __builtin_offsetof(struct ipc_frame, sys) == 6 * 8,
	       "the stub's pushes");

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS = STAR[47:32], SS = +8.  SYSRET (64-bit): CS =
	 * STAR[63:48] + 16, SS = STAR[63:48] + 8 (SDM 2B SYSCALL/SYSRET). */
	wrmsr(MSR_STAR, ((u64)(SEL_KDATA | 0) << 48) | ((u64)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	/* Entered with IF, TF, DF and AC clear: no interrupt before the stack
	 * switch, and no user-chosen AC to open SMAP. */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
}

/* The calls with a buffer or a struct on the stack are kept out of line:
 * inlined, their frames made syscall_dispatch() save six registers and
 * open a frame on every system call, the null one and a gate's too. */
static __attribute__((noinline)) i64 sys_write(u64 ptr, u64 len)
{
	char buf[128];
	u64 done = 0;

	if (len > (1u << 20))
		return -E_RANGE;
	while (done < len) {
		u64 n = MIN(len - done, sizeof(buf));
		int err = user_copy_from(buf, ptr + done, n);
		if (err)
			return err;
		for (u64 i = 0; i < n; i++)
			serial_putc(buf[i]);
		done += n;
	}
	return (i64)len;
}

static __attribute__((noinline)) i64 sys_counters(u64 uptr, u64 which)
{
	struct cpu *cpu = this_cpu();
	if (which == SYS_COUNTERS_LEAKS) {
		struct sys_leaks l;
		ktest_leaks(&l);
		return user_copy_to(uptr, &l, sizeof(l));
	}
	if (which)
		return -E_INVAL;
	struct sys_counters c = {
		.syscalls = cpu->counters.syscalls,
		.gate_calls = cpu->counters.gate_calls,
		.cr3_writes = cpu->slots.counters.cr3_writes,
		.invlpgs = cpu->slots.counters.invlpgs,
		.invpcids = cpu->slots.counters.invpcids,
		.pml4e_writes = cpu->slots.counters.pml4e_writes,
	};
	return user_copy_to(uptr, &c, sizeof(c));
}

/* The program's heap: the running driver's, or the application's. */
static __attribute__((noinline)) i64 sys_heap_grow(u64 pages)
{
	struct driver *d = gate_running_driver();
	return d ? driver_heap_grow(d, pages) : user_heap_grow(pages);
}

static inline bool in_gate(void) { return this_cpu()->thread->gate_top != NULL; }

/* The plain calls: stubs/syscall.asm sends the others elsewhere - the
 * return gate it takes itself, the short IPC calls go to ipc_syscall()
 * (or their fast path), the gates to stubs/fastpath.asm. */
i64 syscall_dispatch(struct syscall_frame *f)
{
	this_cpu()->counters.syscalls++;
	if (f->nr >= SYS_COUNT)
		__builtin_unreachable(); /* the stub's compare: no bound check here */
	/* Exit and IPC belong to an application's own thread of control: a
	 * driver runs on borrowed threads and may not end or block them.  A
	 * thread inside a gate makes system calls only from the driver (its
	 * caller waits), so one load tells; it is made only where needed, the
	 * null syscall being a measured path. */
	switch (f->nr) {
	case SYS_NULL:
		return 0;
	case SYS_EXIT:
		if (in_gate())
			return -E_PERM;
		user_exit((i64)f->a[0]);
	case SYS_WRITE:
		return sys_write(f->a[0], f->a[1]);
	case SYS_TEST_ARGS:
		return (i64)(f->a[0] + 2 * f->a[1] + 3 * f->a[2] + 4 * f->a[3] +
			     5 * f->a[4] + 6 * f->a[5]);
	case SYS_BENCH_RESULT:
		return bench_record_user(f->a[0], f->a[1], f->a[2], f->a[3], f->a[4]);
	case SYS_GATE_REGISTER:
		return gate_register(f->a[0], f->a[1], f->a[2], f->a[3]);
	case SYS_COUNTERS:
		return sys_counters(f->a[0], f->a[1]);
	case SYS_IPC_CALL_LONG:
		return in_gate() ? -E_PERM : ipc_call_long(f->a);
	case SYS_IPC_REPLY_WAIT_LONG:
		return in_gate() ? -E_PERM : ipc_reply_wait_long(f);
	case SYS_BENCH_SET:
		return bench_set(f->a[0], f->a[1]);
	case SYS_HEAP_GROW:
		return sys_heap_grow(f->a[0]);
	case SYS_THREAD_PIN:
		return in_gate() ? -E_PERM : thread_pin(this_cpu()->thread, (i64)f->a[0]);
	case SYS_NMI_TEST:
		return nmi_test_syscall(f->a[0]);
	default:
		return -E_NOSYS;
	}
}
