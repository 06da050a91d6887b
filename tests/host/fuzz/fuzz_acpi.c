/*
 * fuzz_acpi.c - libFuzzer harness for acpi_parse() (kernel/acpi.c).
 *
 * Input: one flags byte, then the RSDP copy (20 or 36 bytes, or a length
 * the next byte gives), then up to 64 KiB of "physical memory" from
 * address 0, where the RSDT/XSDT and the tables they list must lie.  The
 * flags ask the harness to fix checksums (the RSDP's two; each table's,
 * when the parser maps the whole table), so mutations get past them.
 * Every mapping is an exactly sized heap copy (ASan sees a read one byte
 * beyond what the parser asked for) and must be no longer than
 * ACPI_TABLE_MAX.  Invariants: the result is the same when parsed twice;
 * on error the output is untouched; on success 1 <= ncpus <=
 * ACPI_MAX_CPUS with distinct APIC IDs, an xAPIC ID is never 0xff, every
 * counted processor came from a walked entry, and the revision is the
 * RSDP's; at most ACPI_MAX_NMIS NMI entries, each naming LINT0 or LINT1,
 * every one counted (kept, dropped or bad) from a walked entry, and the
 * NMI pins acpi_nmi_pins() gives every listed CPU (and an unlisted one)
 * within LINT0|LINT1, never none, active low only on a pin it names, the
 * convention (LINT1, active high) exactly when no entry names the CPU.
 *
 *   make fuzz (build/fuzz/fuzz_acpi), tests/host/fuzz/corpus/acpi/
 */
#include "acpi.h"
#include "fuzz_input.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_MAX 0x10000
#define MAPS_MAX 300

static const uint8_t *mem;
static size_t mem_len;
static bool fix_tables;
static void *maps[MAPS_MAX];
static unsigned nmaps;

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

static const void *map(uint64_t phys, uint32_t len, void *ctx)
{
	(void)ctx;
	FUZZ_CHECK(len <= ACPI_TABLE_MAX);
	if (phys >= mem_len || len > mem_len - phys || nmaps == MAPS_MAX)
		return NULL;
	uint8_t *p = malloc(len ? len : 1);
	memcpy(p, mem + phys, len);
	/* The whole table (its length field says so): make it sum to 0. */
	if (fix_tables && len >= 36 && rd32(p + 4) == len) {
		p[9] = 0;
		p[9] = (uint8_t)-sum(p, len);
	}
	return maps[nmaps++] = p;
}

/* acpi_nmi_pins() for @cpu against a direct reading of the entries. */
static void check_nmi_pins(const struct acpi_info *a, const struct acpi_cpu *cpu)
{
	struct acpi_nmi_pins p = acpi_nmi_pins(a, cpu);
	bool named = false;
	for (uint32_t i = 0; i < a->nnmis; i++)
		named |= a->nmis[i].all_cpus || (cpu && cpu->uid == a->nmis[i].uid);
	FUZZ_CHECK(p.from_madt == named);
	FUZZ_CHECK(p.lint != 0 && (p.lint & ~3u) == 0);
	FUZZ_CHECK((p.active_low & ~p.lint) == 0);
	if (!named)
		FUZZ_CHECK(p.lint == 2 && p.active_low == 0);
}

static void unmap_all(void)
{
	while (nmaps)
		free(maps[--nmaps]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info a, b;
	static const struct acpi_info sentinel = {.revision = 0xee, .ncpus = 0xdead};

	if (size < 2)
		return 0;
	uint8_t flags = data[0];
	size_t rsdp_len = (flags & 3) == 0 ? 20 : (flags & 3) == 1 ? 36 : data[1] % 48;
	data += 2, size -= 2;
	if (size < rsdp_len)
		return 0;
	uint8_t *rsdp = malloc(rsdp_len ? rsdp_len : 1); /* exactly sized */
	memcpy(rsdp, data, rsdp_len);
	if ((flags & 4) && rsdp_len >= 20) {
		rsdp[8] = 0;
		rsdp[8] = (uint8_t)-sum(rsdp, 20);
		uint32_t ext = rsdp_len >= 24 ? rd32(rsdp + 20) : 0;
		if (rsdp_len >= 36 && ext >= 36 && ext <= rsdp_len) {
			rsdp[32] = 0;
			rsdp[32] = (uint8_t)-sum(rsdp, ext);
		}
	}
	mem = data + rsdp_len;
	mem_len = size - rsdp_len > MEM_MAX ? MEM_MAX : size - rsdp_len;
	fix_tables = flags & 8;

	a = sentinel;
	b = sentinel;
	int r1 = acpi_parse(rsdp, (uint32_t)rsdp_len, map, NULL, &a);
	unmap_all();
	int r2 = acpi_parse(rsdp, (uint32_t)rsdp_len, map, NULL, &b);
	unmap_all();
	FUZZ_CHECK(r1 == r2 && memcmp(&a, &b, sizeof(a)) == 0);
	FUZZ_CHECK(r1 <= 0 && r1 >= ACPI_E_NO_CPU);
	FUZZ_CHECK(strcmp(acpi_error_name(r1), "ACPI_E_UNKNOWN") != 0);
	if (r1 != ACPI_OK) {
		FUZZ_CHECK(memcmp(&a, &sentinel, sizeof(a)) == 0);
	} else {
		FUZZ_CHECK(a.ncpus >= 1 && a.ncpus <= ACPI_MAX_CPUS);
		FUZZ_CHECK(a.revision == rsdp[15]);
		FUZZ_CHECK(!a.xsdt || a.revision >= 2);
		FUZZ_CHECK(a.madt_entries >= a.ncpus + a.cpus_disabled + a.cpus_dropped +
						 a.nnmis + a.nmis_dropped + a.nmis_bad_lint);
		for (uint32_t i = 0; i < a.ncpus; i++) {
			FUZZ_CHECK(a.cpus[i].x2apic || a.cpus[i].apic_id < 0xff);
			for (uint32_t j = 0; j < i; j++)
				FUZZ_CHECK(a.cpus[i].apic_id != a.cpus[j].apic_id);
			FUZZ_CHECK(acpi_cpu_by_apic_id(&a, a.cpus[i].apic_id) == &a.cpus[i]);
			check_nmi_pins(&a, &a.cpus[i]);
		}
		check_nmi_pins(&a, NULL);
		FUZZ_CHECK(a.nnmis <= ACPI_MAX_NMIS);
		FUZZ_CHECK(!a.nmis_dropped || a.nnmis == ACPI_MAX_NMIS);
		for (uint32_t i = 0; i < a.nnmis; i++) {
			FUZZ_CHECK(a.nmis[i].lint <= 1);
			FUZZ_CHECK(!a.nmis[i].all_cpus ||
				   a.nmis[i].uid == (a.nmis[i].x2apic ? 0xffffffffu : 0xffu));
		}
	}
	free(rsdp);
	return 0;
}
