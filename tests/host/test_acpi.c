/*
 * test_acpi.c - acpi_parse() on tables built in a fake physical memory:
 * the layouts QEMU's SeaBIOS and OVMF hand over (RSDT, XSDT), and every
 * way firmware can get them wrong.
 */
#include "acpi.h"
#include "htest.h"

#include <stdlib.h>
#include <string.h>

#define MEM 0x10000
static uint8_t mem[MEM]; /* "physical" memory [0, MEM) */

#define RSDT_AT 0x1000
#define XSDT_AT 0x2000
#define FACP_AT 0x3000
#define MADT_AT 0x4000

/* Each mapping is an exactly sized heap copy, so a read one byte past
 * what the parser asked for is an ASan error; freed after each parse. */
#define MAPS_MAX 64
static void *maps[MAPS_MAX];
static unsigned nmaps;

static const void *map(uint64_t phys, uint32_t len, void *ctx)
{
	(void)ctx;
	if (phys >= MEM || len > MEM - phys || nmaps == MAPS_MAX)
		return NULL;
	void *p = malloc(len ? len : 1);
	memcpy(p, mem + phys, len);
	return maps[nmaps++] = p;
}

static void put32(uint64_t at, uint32_t v) { memcpy(mem + at, &v, 4); }
static void put64(uint64_t at, uint64_t v) { memcpy(mem + at, &v, 8); }

static uint8_t sum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;
	while (len--)
		s += *p++;
	return s;
}

/* Make the table at @at checksum to zero. */
static void seal(uint64_t at)
{
	uint32_t len;
	memcpy(&len, mem + at + 4, 4);
	mem[at + 9] = 0;
	mem[at + 9] = (uint8_t)-sum(mem + at, len);
}

static void header(uint64_t at, const char *sig, uint32_t len)
{
	memcpy(mem + at, sig, 4);
	put32(at + 4, len);
	mem[at + 8] = 1;
	memcpy(mem + at + 10, "SLOTGT", 6);
}

/* A MADT: local APIC at 0xfee00000, PC-AT flag, @n processor entries
 * (APIC IDs 0, 1, ...; @disabled_last: the last one not enabled) and an
 * I/O APIC entry, which the parser skips.  Returns its length. */
static uint32_t madt(unsigned n, bool disabled_last)
{
	uint64_t e = MADT_AT + 44;
	for (unsigned i = 0; i < n; i++, e += 8) {
		mem[e] = 0, mem[e + 1] = 8, mem[e + 2] = (uint8_t)i, mem[e + 3] = (uint8_t)i;
		put32(e + 4, disabled_last && i == n - 1 ? 0 : 1);
	}
	mem[e] = 1, mem[e + 1] = 12; /* I/O APIC */
	put32(e + 4, 0xfec00000);
	e += 12;
	uint32_t len = (uint32_t)(e - MADT_AT);
	header(MADT_AT, "APIC", len);
	put32(MADT_AT + 36, 0xfee00000);
	put32(MADT_AT + 40, 1);
	seal(MADT_AT);
	return len;
}

/* RSDT listing a FACP and the MADT; the 20-byte ACPI 1.0 RSDP in @rsdp. */
static void v1(uint8_t rsdp[20], unsigned ncpus)
{
	memset(mem, 0, sizeof(mem));
	header(FACP_AT, "FACP", 36);
	seal(FACP_AT);
	madt(ncpus, false);
	header(RSDT_AT, "RSDT", 44);
	put32(RSDT_AT + 36, FACP_AT);
	put32(RSDT_AT + 40, MADT_AT);
	seal(RSDT_AT);
	memset(rsdp, 0, 20);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "SLOTGT", 6);
	uint32_t rsdt = RSDT_AT;
	memcpy(rsdp + 16, &rsdt, 4);
	rsdp[8] = (uint8_t)-sum(rsdp, 20);
}

/* Also an XSDT (listing the MADT only) and the 36-byte ACPI 2.0 RSDP. */
static void v2(uint8_t rsdp[36], unsigned ncpus)
{
	v1(rsdp, ncpus);
	header(XSDT_AT, "XSDT", 44);
	put64(XSDT_AT + 36, MADT_AT);
	seal(XSDT_AT);
	rsdp[15] = 2;
	uint32_t len = 36;
	uint64_t xsdt = XSDT_AT;
	memcpy(rsdp + 20, &len, 4);
	memcpy(rsdp + 24, &xsdt, 8);
	rsdp[8] = 0;
	rsdp[8] = (uint8_t)-sum(rsdp, 20);
	rsdp[32] = 0;
	rsdp[32] = (uint8_t)-sum(rsdp, 36);
}

static int parse(const uint8_t *rsdp, uint32_t len, struct acpi_info *out)
{
	int err = acpi_parse(rsdp, len, map, NULL, out);
	while (nmaps)
		free(maps[--nmaps]);
	return err;
}

HTEST(acpi_rsdt_lists_the_cpus)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 4);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.revision, 0);
	CHECK(!info.xsdt);
	CHECK_EQ(info.ncpus, 4);
	CHECK_EQ(info.cpus[3].apic_id, 3);
	CHECK_EQ(info.cpus[3].uid, 3);
	CHECK_EQ(info.lapic_phys, 0xfee00000);
	CHECK(info.pcat_compat);
	CHECK_EQ(info.madt_entries, 5); /* 4 processors and the I/O APIC */
}

HTEST(acpi_xsdt_preferred_and_override_and_x2apic)
{
	uint8_t rsdp[36];
	struct acpi_info info;
	v2(rsdp, 2);
	/* Append an address override and two x2APIC entries (one repeats
	 * APIC ID 1, one is new), then fix the MADT's length and sum. */
	uint32_t len;
	memcpy(&len, mem + MADT_AT + 4, 4);
	uint64_t e = MADT_AT + len;
	mem[e] = 5, mem[e + 1] = 12;
	put64(e + 4, 0x1fee00000ull);
	e += 12;
	for (uint32_t id = 1; id <= 300; id += 299, e += 16) {
		mem[e] = 9, mem[e + 1] = 16;
		put32(e + 4, id), put32(e + 8, 1), put32(e + 12, 100 + id);
	}
	put32(MADT_AT + 4, (uint32_t)(e - MADT_AT));
	seal(MADT_AT);
	/* The RSDT's MADT now fails its sum in a way the XSDT's would not
	 * matter: both point at the same table; break the RSDT instead. */
	mem[RSDT_AT + 20] ^= 0xff;
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_OK);
	CHECK(info.xsdt);
	CHECK_EQ(info.revision, 2);
	CHECK_EQ(info.ncpus, 3);
	CHECK_EQ(info.cpus[2].apic_id, 300);
	CHECK(info.cpus[2].x2apic);
	CHECK_EQ(info.cpus[2].uid, 400);
	CHECK_EQ(info.lapic_phys, 0x1fee00000ull);
}

HTEST(acpi_disabled_and_too_many_cpus_are_counted)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 3);
	madt(3, true);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.ncpus, 2);
	CHECK_EQ(info.cpus_disabled, 1);
	v1(rsdp, ACPI_MAX_CPUS + 5);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.ncpus, ACPI_MAX_CPUS);
	CHECK_EQ(info.cpus_dropped, 5);
}

HTEST(acpi_rejects_bad_rsdp)
{
	uint8_t rsdp[36];
	struct acpi_info info;
	v2(rsdp, 2);
	CHECK_EQ(parse(NULL, 0, &info), ACPI_E_NO_RSDP);
	CHECK_EQ(parse(rsdp, 19, &info), ACPI_E_RSDP);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_RSDP); /* revision 2 needs 36 */
	rsdp[32] ^= 1;
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_E_RSDP); /* extended sum */
	rsdp[32] ^= 1;
	rsdp[8] ^= 1;
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_E_RSDP); /* first 20 bytes' sum */
	rsdp[8] ^= 1;
	rsdp[0] = 'X';
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_E_RSDP);
	rsdp[0] = 'R';
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_OK);
}

HTEST(acpi_rejects_bad_root_tables)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 2);
	mem[RSDT_AT + 30] ^= 1; /* checksum */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_ROOT);
	v1(rsdp, 2);
	memcpy(mem + RSDT_AT, "XSDT", 4); /* wrong signature */
	seal(RSDT_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_ROOT);
	v1(rsdp, 2);
	put32(RSDT_AT + 4, 35); /* shorter than a header */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_ROOT);
	v1(rsdp, 2);
	put32(RSDT_AT + 4, 0x7fffffff); /* past every bound */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_ROOT);
	v1(rsdp, 2);
	uint32_t far = 0x7ffff000; /* an address the map refuses */
	memcpy(rsdp + 16, &far, 4);
	rsdp[8] = 0;
	uint8_t s = 0;
	for (int i = 0; i < 20; i++)
		s += rsdp[i];
	rsdp[8] = (uint8_t)-s;
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_ROOT);
}

HTEST(acpi_a_bad_madt_is_skipped_or_refused)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 2);
	mem[MADT_AT + 50] ^= 1; /* its checksum fails: as if not listed */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_NO_MADT);
	v1(rsdp, 2);
	mem[MADT_AT + 45] = 0; /* an entry of length 0 would loop for ever */
	seal(MADT_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_MADT);
	v1(rsdp, 2);
	mem[MADT_AT + 45] = 4; /* a local APIC entry too short for its fields */
	seal(MADT_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_MADT);
	v1(rsdp, 2);
	mem[MADT_AT + 45] = 200; /* runs past the table */
	seal(MADT_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_MADT);
	v1(rsdp, 0);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_E_NO_CPU);
}

/* Cut the MADT at every length and re-seal it: every result is an error
 * or a prefix of the processors, and nothing reads past the table (ASan
 * would see it). */
HTEST(acpi_survives_every_madt_truncation)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 3);
	uint32_t full;
	memcpy(&full, mem + MADT_AT + 4, 4);
	int ok = 0;
	for (uint32_t len = 36; len < full; len++) {
		v1(rsdp, 3);
		put32(MADT_AT + 4, len);
		seal(MADT_AT);
		int err = parse(rsdp, 20, &info);
		CHECK(err == ACPI_OK || err == ACPI_E_MADT || err == ACPI_E_NO_CPU);
		if (err == ACPI_OK) {
			ok++;
			CHECK(info.ncpus >= 1 && info.ncpus <= 3);
		}
	}
	CHECK_EQ(ok, 3); /* cut exactly after the 1st, 2nd and 3rd processor */
	CHECK(strcmp(acpi_error_name(ACPI_E_MADT), "ACPI_E_MADT") == 0);
	CHECK(strcmp(acpi_error_name(-99), "ACPI_E_UNKNOWN") == 0);
}

/* A FADT of @len bytes with PM_TMR_BLK @port and @flags. */
static void facp(uint32_t len, uint32_t port, uint32_t flags)
{
	memset(mem + FACP_AT, 0, 0x200);
	header(FACP_AT, "FACP", len);
	if (len >= 80)
		put32(FACP_AT + 76, port);
	if (len >= 116)
		put32(FACP_AT + 112, flags);
	seal(FACP_AT);
}

HTEST(acpi_fadt_pm_timer)
{
	uint8_t rsdp[20];
	struct acpi_info info;

	v1(rsdp, 1); /* a 36-byte FACP: no timer */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0);

	facp(116, 0x608, 1u << 8); /* QEMU q35's: 32 bits at 0x608 */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0x608);
	CHECK(info.pm_timer_32bit);

	facp(116, 0xb008, 0); /* 24 bits */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0xb008);
	CHECK(!info.pm_timer_32bit);

	facp(116, 0x608, 1u << 20); /* hardware-reduced: no PM timer */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0);

	facp(112, 0x608, 0); /* too short for the flags: not trusted */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0);

	/* X_PM_TMR_BLK wins when it is an I/O port; not in memory space. */
	facp(244, 0x608, 0);
	mem[FACP_AT + 208] = 1;
	put64(FACP_AT + 212, 0x1808);
	seal(FACP_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0x1808);
	mem[FACP_AT + 208] = 0;
	seal(FACP_AT);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0x608);

	/* A FACP that fails its checksum is skipped; the MADT still counts. */
	facp(116, 0x608, 0);
	mem[FACP_AT + 76] ^= 1;
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.pm_timer_port, 0);
	CHECK_EQ(info.ncpus, 1);
}

/* --- NMI entries (ACPI 6.5 §5.2.12.7, §5.2.12.13) ------------------------ */

/* Append the @len byte entry @e to the MADT and re-seal it. */
static void madt_add(const uint8_t *e, uint8_t len)
{
	uint32_t madt_len;
	memcpy(&madt_len, mem + MADT_AT + 4, 4);
	memcpy(mem + MADT_AT + madt_len, e, len);
	put32(MADT_AT + 4, madt_len + len);
	seal(MADT_AT);
}

/* A Local APIC NMI entry (type 4, 6 bytes; @len other than 6: cut or
 * padded). */
static void lapic_nmi_len(uint8_t uid, uint16_t flags, uint8_t lint, uint8_t len)
{
	uint8_t e[16] = {4, len, uid, (uint8_t)flags, (uint8_t)(flags >> 8), lint};
	madt_add(e, len);
}

static void lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
	lapic_nmi_len(uid, flags, lint, 6);
}

/* A Local x2APIC NMI entry (type 0xA, 12 bytes). */
static void x2apic_nmi_len(uint32_t uid, uint16_t flags, uint8_t lint, uint8_t len)
{
	uint8_t e[16] = {0xa, len, (uint8_t)flags, (uint8_t)(flags >> 8)};
	memcpy(e + 4, &uid, 4);
	e[8] = lint;
	madt_add(e, len);
}

static void x2apic_nmi(uint32_t uid, uint16_t flags, uint8_t lint)
{
	x2apic_nmi_len(uid, flags, lint, 12);
}

/* An enabled Processor Local x2APIC entry (type 9, 16 bytes). */
static void x2apic_cpu(uint32_t apic_id, uint32_t uid)
{
	uint8_t e[16] = {9, 16};
	uint32_t enabled = 1;
	memcpy(e + 4, &apic_id, 4);
	memcpy(e + 8, &enabled, 4);
	memcpy(e + 12, &uid, 4);
	madt_add(e, 16);
}

#define LINT0 1u
#define LINT1 2u

HTEST(acpi_nmi_none_is_the_mp_convention)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 2);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.nnmis, 0);
	CHECK_EQ(info.nmis_bad_lint, 0);
	const struct acpi_cpu *c = acpi_cpu_by_apic_id(&info, 1);
	CHECK(c == &info.cpus[1]);
	CHECK(acpi_cpu_by_apic_id(&info, 2) == NULL);
	CHECK(acpi_cpu_by_apic_id(NULL, 0) == NULL);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, c);
	CHECK_EQ(p.lint, LINT1);
	CHECK_EQ(p.active_low, 0);
	CHECK(!p.from_madt);
	p = acpi_nmi_pins(NULL, NULL); /* no MADT at all */
	CHECK_EQ(p.lint, LINT1);
	CHECK(!p.from_madt);
}

/* QEMU's MADT: one type-4 entry, UID 0xFF, LINT1, flags 0. */
HTEST(acpi_nmi_type4_for_all_cpus)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 3);
	lapic_nmi(0xff, 0, 1);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.ncpus, 3);
	CHECK_EQ(info.madt_entries, 5);
	CHECK_EQ(info.nnmis, 1);
	CHECK(info.nmis[0].all_cpus);
	CHECK(!info.nmis[0].x2apic);
	CHECK_EQ(info.nmis[0].lint, 1);
	CHECK_EQ(info.nmis[0].flags, 0);
	for (uint32_t i = 0; i < info.ncpus; i++) {
		struct acpi_nmi_pins p = acpi_nmi_pins(&info, &info.cpus[i]);
		CHECK_EQ(p.lint, LINT1);
		CHECK_EQ(p.active_low, 0);
		CHECK(p.from_madt);
	}
	/* A CPU the MADT does not list is still one of "all processors". */
	CHECK(acpi_nmi_pins(&info, NULL).from_madt);
}

HTEST(acpi_nmi_type4_for_one_uid)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 3); /* UIDs 0, 1, 2 */
	lapic_nmi(1, 0, 1);
	lapic_nmi(2, 0, 0); /* UID 2: LINT0 only, so LINT1 stays masked */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.nnmis, 2);
	CHECK(!info.nmis[0].all_cpus);
	CHECK_EQ(info.nmis[0].uid, 1);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, &info.cpus[1]);
	CHECK_EQ(p.lint, LINT1);
	CHECK(p.from_madt);
	p = acpi_nmi_pins(&info, &info.cpus[2]);
	CHECK_EQ(p.lint, LINT0);
	CHECK(p.from_madt);
	p = acpi_nmi_pins(&info, &info.cpus[0]); /* named by none */
	CHECK_EQ(p.lint, LINT1);
	CHECK(!p.from_madt);
	p = acpi_nmi_pins(&info, NULL);
	CHECK(!p.from_madt);
}

/* Type 0xA for CPUs past 254 and for all; each type applies to a CPU of
 * either entry kind (the UID is one namespace). */
HTEST(acpi_nmi_type_0xa_and_either_kind)
{
	uint8_t rsdp[36];
	struct acpi_info info;
	v2(rsdp, 2); /* xAPIC CPUs 0, 1 with UIDs 0, 1 */
	x2apic_cpu(300, 400);
	x2apic_cpu(301, 5);
	x2apic_nmi(400, 0, 1);
	x2apic_nmi(0xffffffffu, 0, 0); /* LINT0 of every CPU */
	lapic_nmi(5, 0, 1);            /* type 4 naming an x2APIC-listed CPU */
	x2apic_nmi(1, 0, 1);           /* type 0xA naming an xAPIC-listed one */
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_OK);
	CHECK_EQ(info.ncpus, 4);
	CHECK_EQ(info.nnmis, 4);
	CHECK(info.nmis[0].x2apic);
	CHECK_EQ(info.nmis[0].uid, 400);
	CHECK(!info.nmis[0].all_cpus);
	CHECK(info.nmis[1].all_cpus);
	CHECK(!info.nmis[2].x2apic);
	const struct acpi_cpu *c300 = acpi_cpu_by_apic_id(&info, 300);
	CHECK(c300 && c300->x2apic && c300->uid == 400);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, c300);
	CHECK_EQ(p.lint, LINT0 | LINT1);
	CHECK(p.from_madt);
	p = acpi_nmi_pins(&info, acpi_cpu_by_apic_id(&info, 301));
	CHECK_EQ(p.lint, LINT0 | LINT1);
	p = acpi_nmi_pins(&info, acpi_cpu_by_apic_id(&info, 1));
	CHECK_EQ(p.lint, LINT0 | LINT1);
	p = acpi_nmi_pins(&info, acpi_cpu_by_apic_id(&info, 0)); /* the all entry */
	CHECK_EQ(p.lint, LINT0);
	CHECK(p.from_madt);
}

/* MPS INTI flags bits 1:0: 11 active low; 01 high, 00 conforming (high),
 * 10 reserved (high); the trigger bits change nothing. */
HTEST(acpi_nmi_polarity_from_the_flags)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 4); /* UIDs 0..3 */
	lapic_nmi(0, 0xf, 1); /* active low, level */
	lapic_nmi(1, 0x5, 1); /* active high, edge */
	lapic_nmi(2, 0x3, 0); /* active low, conforming trigger */
	lapic_nmi(2, 0x2, 1); /* reserved polarity */
	lapic_nmi(3, 0x1, 1); /* first: active high ... */
	lapic_nmi(3, 0x3, 1); /* ... so this contradiction is not taken */
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.nmis[0].flags, 0xf);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, &info.cpus[0]);
	CHECK_EQ(p.lint, LINT1);
	CHECK_EQ(p.active_low, LINT1);
	p = acpi_nmi_pins(&info, &info.cpus[1]);
	CHECK_EQ(p.active_low, 0);
	p = acpi_nmi_pins(&info, &info.cpus[2]);
	CHECK_EQ(p.lint, LINT0 | LINT1);
	CHECK_EQ(p.active_low, LINT0);
	p = acpi_nmi_pins(&info, &info.cpus[3]);
	CHECK_EQ(p.lint, LINT1);
	CHECK_EQ(p.active_low, 0);
}

HTEST(acpi_nmi_bad_lint_is_kept_out)
{
	uint8_t rsdp[36];
	struct acpi_info info;
	v2(rsdp, 2);
	lapic_nmi(0xff, 0, 2);
	x2apic_nmi(0xffffffffu, 0, 0xff);
	lapic_nmi(1, 0, 0);
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_OK); /* the MADT stands */
	CHECK_EQ(info.ncpus, 2);
	CHECK_EQ(info.nmis_bad_lint, 2);
	CHECK_EQ(info.nnmis, 1);
	CHECK_EQ(info.nmis[0].lint, 0);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, &info.cpus[0]);
	CHECK_EQ(p.lint, LINT1); /* the bad entries named it: convention */
	CHECK(!p.from_madt);
	CHECK_EQ(acpi_nmi_pins(&info, &info.cpus[1]).lint, LINT0);
}

HTEST(acpi_nmi_short_entries_refused_long_ones_read)
{
	uint8_t rsdp[36];
	struct acpi_info info;
	v2(rsdp, 1);
	lapic_nmi_len(0xff, 0, 1, 5);
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_E_MADT);
	v2(rsdp, 1);
	x2apic_nmi_len(0xffffffffu, 0, 1, 11);
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_E_MADT);
	/* Longer than this revision's: the known fields are read. */
	v2(rsdp, 1);
	lapic_nmi_len(0xff, 3, 0, 8);
	x2apic_nmi_len(0xffffffffu, 0, 1, 16);
	CHECK_EQ(parse(rsdp, 36, &info), ACPI_OK);
	CHECK_EQ(info.nnmis, 2);
	struct acpi_nmi_pins p = acpi_nmi_pins(&info, &info.cpus[0]);
	CHECK_EQ(p.lint, LINT0 | LINT1);
	CHECK_EQ(p.active_low, LINT0);
}

HTEST(acpi_nmi_too_many_are_counted)
{
	uint8_t rsdp[20];
	struct acpi_info info;
	v1(rsdp, 1);
	for (unsigned i = 0; i < ACPI_MAX_NMIS + 3; i++)
		lapic_nmi((uint8_t)(10 + i), 0, 1);
	CHECK_EQ(parse(rsdp, 20, &info), ACPI_OK);
	CHECK_EQ(info.nnmis, ACPI_MAX_NMIS);
	CHECK_EQ(info.nmis_dropped, 3);
	CHECK_EQ(info.nmis[ACPI_MAX_NMIS - 1].uid, 10 + ACPI_MAX_NMIS - 1);
}
