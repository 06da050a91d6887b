/*
 * htest_main.c - runs every HTEST in the "htests" section, prints KTAP.
 *
 * stdout is line-buffered, and each case announces itself ("# case N
 * name") before it runs: when a case dies under ASan/UBSan (abort, no
 * return), everything printed so far has reached the runner, so the log
 * names the case that crashed instead of showing no KTAP at all.
 */
#include "htest.h"

#include <string.h>

int htest_failures;

extern const struct htest __start_htests[];
extern const struct htest __stop_htests[];

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	size_t n = (size_t)(__stop_htests - __start_htests);
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct htest *t = &__start_htests[i];
		if (only && strcmp(only, t->name) != 0) {
			printf("ok %zu %s # SKIP not selected\n", i + 1, t->name);
			continue;
		}
		htest_failures = 0;
		printf("# case %zu %s\n", i + 1, t->name);
		fflush(stdout);
		t->fn();
		printf("%s %zu %s\n", htest_failures ? "not ok" : "ok", i + 1,
		       t->name);
		fflush(stdout);
		failed += htest_failures != 0;
	}
	return failed ? 1 : 0;
}
