/*
 * acpi.h - the ACPI tables Slotgate reads: RSDP -> RSDT/XSDT -> MADT, for
 * the CPUs to start (issue 13) and the local APIC's address; the FADT,
 * for the PM timer (a clock to calibrate against where there is no PIT).
 *
 * The RSDP comes from the multiboot2 tags (GRUB's copy, mb2.c), never
 * from scanning BIOS memory: UEFI machines need not have the EBDA or the
 * 0xe0000 area.  Every table is outside input: each is reached only
 * through @map (which may refuse), its length is bounded before it is
 * summed, its checksum must be zero (ACPI 6.5 §5.2.5.3, §5.2.6), and
 * every MADT entry must fit its table.  Pure: host-tested and fuzzed
 * (tests/host/test_acpi.c, tests/host/fuzz/fuzz_acpi.c).
 */
#ifndef SLOTGATE_ACPI_H
#define SLOTGATE_ACPI_H

#include "types.h"

#define ACPI_MAX_CPUS 64
#define ACPI_TABLE_MAX (1u << 20) /* a longer table is refused */

/* Where the caller can read @len bytes of physical memory at @phys, or
 * NULL when it cannot (not RAM, or beyond what it maps). */
typedef const void *(*acpi_map_fn)(u64 phys, u32 len, void *ctx);

struct acpi_cpu {
	u32 apic_id;
	u32 uid;        /* the ACPI processor UID */
	bool x2apic;    /* from a Processor Local x2APIC entry */
};

struct acpi_info {
	u8 revision;          /* RSDP revision: 0 = ACPI 1.0 (RSDT) */
	bool xsdt;            /* the tables were found through the XSDT */
	u64 lapic_phys;       /* MADT's, or its 64-bit override */
	bool pcat_compat;     /* MADT flag: dual 8259s present */
	u32 ncpus;            /* enabled processors, in MADT order */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	u32 cpus_dropped;     /* enabled past ACPI_MAX_CPUS */
	u32 cpus_disabled;    /* present but not enabled (not started) */
	u32 madt_entries;     /* entries walked, of every type */
	u16 pm_timer_port;    /* the FADT's ACPI PM timer (I/O port), or 0 */
	bool pm_timer_32bit;  /* ... 32 bits wide (else 24) */
};

enum acpi_error {
	ACPI_OK = 0,
	ACPI_E_NO_RSDP = -1,   /* no RSDP copy at all */
	ACPI_E_RSDP = -2,      /* bad signature, length or checksum */
	ACPI_E_ROOT = -3,      /* the RSDT/XSDT unreadable or malformed */
	ACPI_E_NO_MADT = -4,   /* no valid "APIC" table listed */
	ACPI_E_MADT = -5,      /* an entry runs past the table, or is too short */
	ACPI_E_NO_CPU = -6,    /* the MADT lists no enabled processor */
};

/*
 * Parse the @rsdp_len byte RSDP copy @rsdp and the tables it leads to.
 * Returns ACPI_OK or a negative enum acpi_error; @out is fully written
 * only on success.  A listed table with a bad checksum is skipped (a
 * firmware may list a stale one), a malformed MADT is an error.
 */
int acpi_parse(const void *rsdp, u32 rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out);

/* Name of an enum acpi_error value, for logs ("ACPI_E_MADT"). */
const char *acpi_error_name(int err);

#endif
