/*
 * test_user.c - ring-3 programs: system calls with arguments and results,
 * bad pointers refused, and every fault kills the program while the
 * kernel goes on with nothing leaked (the runner checks the counters).
 */
#include "bootinfo.h"
#include "errno.h"
#include "heap.h"
#include "kstring.h"
#include "ktest.h"
#include "trap.h"
#include "user.h"
#include "slotgate/utest.h"

/* Run the utest program with @action; returns user_run()'s result. */
static int run_utest(enum utest_action action, i64 *code, struct fault_info *f)
{
	return user_run_module("utest", action, code, f);
}

static void expect_exit_ok(enum utest_action action)
{
	i64 code = -1;
	KT_EXPECT_EQ(run_utest(action, &code, NULL), 0);
	KT_EXPECT_EQ(code, UTEST_OK);
}

static void expect_killed(enum utest_action action, u64 vector)
{
	struct fault_info f;
	KT_EXPECT_EQ(run_utest(action, NULL, &f), -E_KILLED);
	KT_EXPECT_EQ(f.vector, vector);
}

KTEST(user_first_app_exit_code)
{
	const void *image;
	size_t size;
	i64 code = -1;
	KT_EXPECT(module_find("hello", &image, &size));
	KT_EXPECT_EQ(user_run("hello", image, size, 0, &code, NULL), 0);
	KT_EXPECT_EQ(code, 42);
}

KTEST(user_syscall_arguments_and_result) { expect_exit_ok(UTEST_ARGS); }
KTEST(user_syscall_preserves_registers) { expect_exit_ok(UTEST_PRESERVED); }
KTEST(user_bad_pointers_and_numbers_refused) { expect_exit_ok(UTEST_BAD_POINTERS); }

KTEST(user_null_dereference_killed)
{
	struct fault_info f;
	KT_EXPECT_EQ(run_utest(UTEST_NULL_DEREF, NULL, &f), -E_KILLED);
	KT_EXPECT_EQ(f.vector, VEC_PF);
	KT_EXPECT_EQ(f.cr2, 0);
	KT_EXPECT_EQ(f.error, PF_U); /* not present, read, user */
}

KTEST(user_kernel_read_killed)
{
	struct fault_info f;
	KT_EXPECT_EQ(run_utest(UTEST_KERNEL_READ, NULL, &f), -E_KILLED);
	KT_EXPECT_EQ(f.vector, VEC_PF);
	KT_EXPECT_EQ(f.error, PF_U | PF_P); /* present but supervisor-only */
}

KTEST(user_privileged_instruction_killed) { expect_killed(UTEST_PRIVILEGED, VEC_GP); }
KTEST(user_invalid_opcode_killed) { expect_killed(UTEST_UD, VEC_UD); }
KTEST(user_write_to_text_killed) { expect_killed(UTEST_WRITE_TEXT, VEC_PF); }
KTEST(user_stack_overflow_killed) { expect_killed(UTEST_STACK_OVERFLOW, VEC_PF); }

KTEST(user_malformed_image_rejected)
{
	const void *image;
	size_t size;
	KT_EXPECT(module_find("hello", &image, &size));
	u8 *copy = kmalloc(size);
	memcpy(copy, image, size);
	copy[0] = 0x7e; /* bad magic */
	KT_EXPECT_EQ(user_run("bad", copy, size, 0, NULL, NULL), -E_NOEXEC);
	KT_EXPECT_EQ(user_run("short", image, 40, 0, NULL, NULL), -E_NOEXEC);
	kfree(copy);
}

KTEST(user_many_runs_leak_nothing)
{
	for (int i = 0; i < 5; i++)
		expect_killed(UTEST_NULL_DEREF, VEC_PF);
	for (int i = 0; i < 20; i++)
		expect_exit_ok(UTEST_ARGS);
}
