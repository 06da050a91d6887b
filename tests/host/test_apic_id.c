/*
 * test_apic_id.c - which APIC IDs an IPI can name (lapic.h's
 * lapic_id_addressable()): what smp.c's start_all() decides by.
 */
#include "lapic.h"
#include "htest.h"

HTEST(apic_id_addressable_in_xapic_mode_up_to_0xfe)
{
	CHECK(lapic_id_addressable(0, false));
	CHECK(lapic_id_addressable(0xfe, false));
	CHECK(!lapic_id_addressable(0xff, false)); /* the broadcast */
	CHECK(!lapic_id_addressable(0x100, false));
	CHECK(!lapic_id_addressable(300, false));
}

HTEST(apic_id_addressable_in_x2apic_mode_to_32_bits)
{
	CHECK(lapic_id_addressable(0, true));
	CHECK(lapic_id_addressable(0xff, true));
	CHECK(lapic_id_addressable(300, true));
	CHECK(lapic_id_addressable(0xfffffffeu, true));
	CHECK(!lapic_id_addressable(0xffffffffu, true)); /* the broadcast */
}
