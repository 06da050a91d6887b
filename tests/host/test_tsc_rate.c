/*
 * test_tsc_rate.c - kernel/tsc_rate.c: the TSC rate from CPUID leaves 15H
 * and 16H, with the crystal clock taken from ECX, the model table or the
 * base frequency, in that order (SDM 2A CPUID; as Linux derives it).
 */
#include "htest.h"
#include "tsc_rate.h"

#include <string.h>

HTEST(tsc_rate_crystal_enumerated)
{
	/* A part that fills all of 0x15: 38.4 MHz crystal, ratio 125/2. */
	struct tsc_cpuid c = {1, 6, 0x97, 2, 125, 38400000, 2400};
	const char *src = NULL;
	CHECK_EQ(tsc_rate_from_cpuid(&c, &src), 2400000000ull);
	CHECK(src && strcmp(src, "cpuid-0x15") == 0);
	CHECK_EQ(tsc_crystal_hz(&c), 38400000);
}

HTEST(tsc_rate_skylake_client_crystal_by_model)
{
	/* Skylake client: ECX 0, ratio 2/300 of 24 MHz = 3.6 GHz, while 0x16
	 * says a nominal 3600 MHz; the model's crystal is taken, not 0x16. */
	struct tsc_cpuid c = {1, 6, 0x5e, 2, 300, 0, 3600};
	const char *src = NULL;
	CHECK_EQ(tsc_rate_from_cpuid(&c, &src), 3600000000ull);
	CHECK(src && strcmp(src, "cpuid-0x15+model") == 0);
	CHECK_EQ(tsc_crystal_hz(&c), 24000000);
	c.model = 0x5c; /* Goldmont: 19.2 MHz */
	CHECK_EQ(tsc_crystal_hz(&c), 19200000);
	c.vendor_intel = 0; /* the table is Intel's */
	CHECK_EQ(tsc_crystal_hz(&c), 3600000000ull * 2 / 300);
}

HTEST(tsc_rate_crystal_from_base_frequency)
{
	/* An unknown model with ECX 0: crystal = base * EAX / EBX. */
	struct tsc_cpuid c = {1, 6, 0xa5, 2, 242, 0, 2900};
	const char *src = NULL;
	CHECK_EQ(tsc_crystal_hz(&c), 2900000000ull * 2 / 242);
	/* ... and the TSC is then the base frequency itself. */
	CHECK_EQ(tsc_rate_from_cpuid(&c, &src), 2900000000ull);
	CHECK(src && strcmp(src, "cpuid-0x15+0x16") == 0);
}

HTEST(tsc_rate_nothing_enumerated)
{
	struct tsc_cpuid c = {0, 0x17, 0x71, 0, 0, 0, 0};
	const char *src = "untouched";
	CHECK_EQ(tsc_rate_from_cpuid(&c, &src), 0);
	CHECK(strcmp(src, "untouched") == 0);
	CHECK_EQ(tsc_crystal_hz(&c), 0);
	c.l16_eax = 2000; /* 0x16 alone: its nominal base frequency */
	CHECK_EQ(tsc_rate_from_cpuid(&c, &src), 2000000000ull);
	CHECK(strcmp(src, "cpuid-0x16") == 0);
	c.l15_ebx = 100; /* a ratio with a zero denominator is no ratio */
	CHECK_EQ(tsc_crystal_hz(&c), 0);
}
