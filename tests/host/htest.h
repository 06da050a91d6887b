/*
 * htest.h - the host unit-test harness.
 *
 * A test is a function registered with HTEST(name); it lands in the
 * "htests" linker section and htest_main.c runs every entry and prints
 * KTAP, exactly as the kernel's own test cases do, so one runner reads
 * both.  CHECK() records a failure with file:line and goes on; the case
 * fails if any CHECK failed.
 */
#ifndef SLOTGATE_HTEST_H
#define SLOTGATE_HTEST_H

#include <stdio.h>

struct htest {
	const char *name;
	void (*fn)(void);
};

extern int htest_failures;

#define HTEST(n)                                                               \
	static void htest_fn_##n(void);                                        \
	static const struct htest htest_desc_##n                               \
		__attribute__((used, section("htests"), aligned(8))) = {       \
			#n, htest_fn_##n};                                     \
	static void htest_fn_##n(void)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("    # CHECK failed %s:%d: %s\n", __FILE__,    \
			       __LINE__, #cond);                               \
			htest_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long htest_a_ = (long long)(a), htest_b_ = (long long)(b); \
		if (htest_a_ != htest_b_) {                                    \
			printf("    # CHECK_EQ failed %s:%d: %s == %lld, %s == %lld\n", \
			       __FILE__, __LINE__, #a, htest_a_, #b, htest_b_); \
			htest_failures++;                                      \
		}                                                              \
	} while (0)

#endif
