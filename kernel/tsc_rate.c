/* tsc_rate.c - the TSC rate from CPUID (tsc_rate.h). */
#include "tsc_rate.h"

/* Crystal clocks the SDM's table for leaf 15H gives by model, for parts
 * whose ECX reads 0 (SDM 2A, CPUID, "Time Stamp Counter and Nominal Core
 * Crystal Clock Information Leaf"; the same list as Linux). */
static u64 crystal_by_model(const struct tsc_cpuid *c)
{
	if (!c->vendor_intel || c->family != 6)
		return 0;
	switch (c->model) {
	case 0x4e: case 0x5e: /* Skylake client */
	case 0x8e: case 0x9e: /* Kaby Lake, Coffee Lake client */
		return 24000000;
	case 0x5f:            /* Goldmont D (Denverton) */
		return 25000000;
	case 0x5c:            /* Goldmont */
		return 19200000;
	default:
		return 0;
	}
}

u64 tsc_crystal_hz(const struct tsc_cpuid *c)
{
	if (!c->l15_eax || !c->l15_ebx)
		return 0;
	if (c->l15_ecx)
		return c->l15_ecx;
	u64 hz = crystal_by_model(c);
	if (hz)
		return hz;
	/* Base frequency = crystal * EBX / EAX, solved for the crystal. */
	u64 base = (u64)(c->l16_eax & 0xffff) * 1000000;
	return base * c->l15_eax / c->l15_ebx;
}

u64 tsc_rate_from_cpuid(const struct tsc_cpuid *c, const char **source)
{
	/* A crystal derived from the base frequency gives that frequency
	 * back (less rounding): only a known crystal improves on 0x16. */
	u64 crystal = c->l15_ecx ? c->l15_ecx : crystal_by_model(c);
	if (crystal && c->l15_eax && c->l15_ebx) {
		*source = c->l15_ecx ? "cpuid-0x15" : "cpuid-0x15+model";
		return crystal * c->l15_ebx / c->l15_eax;
	}
	if (c->l16_eax & 0xffff) {
		/* With 0x15's ratio, the crystal was derived from this. */
		*source = c->l15_eax && c->l15_ebx ? "cpuid-0x15+0x16" : "cpuid-0x16";
		return (u64)(c->l16_eax & 0xffff) * 1000000;
	}
	return 0;
}
