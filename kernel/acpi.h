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
 *
 * NMI wiring (acpi_nmi_pins()): the MADT's Local APIC NMI (ACPI 6.5
 * §5.2.12.7, type 4) and Local x2APIC NMI (§5.2.12.13, type 0xA) entries
 * say which LINT pin of which processors the platform's NMI reaches, and
 * with which polarity.  The rules:
 *  - an entry names one processor by its ACPI processor UID, or all of
 *    them (UID 0xFF in type 4, 0xFFFFFFFF in type 0xA);
 *  - the UID is the processor's _UID whichever entry listed the CPU
 *    (§5.2.12.2, §5.2.12.12), and which NMI entry a platform uses goes by
 *    the x2APIC ID (below 255: type 4), not by the CPU's entry, so an
 *    entry of either type applies to a CPU of either;
 *  - each connection is its own entry (§5.2.12.7): a CPU named on both
 *    pins has NMI on both; entries add up, none overrides another; a pin
 *    named twice takes the first entry's polarity (firmware that
 *    disagrees with itself);
 *  - polarity is the MPS INTI flags' bits 1:0 (§5.2.12.5): 11 is active
 *    low, anything else (00 "conforms to the bus": ISA's active high)
 *    active high; the trigger mode (bits 3:2) is not used, NMI delivery
 *    being edge-sensitive whatever it says (SDM 3A §11.5.1);
 *  - an entry naming a LINT# other than 0 or 1 is bad firmware: counted
 *    and left out, the rest of the MADT stands;
 *  - no entry for the CPU: the MP specification's convention, LINT1
 *    active high, and from_madt false.
 */
#ifndef SLOTGATE_ACPI_H
#define SLOTGATE_ACPI_H

#include "types.h"

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_NMIS 16 /* boards list one for all, or one per CPU */
#define ACPI_TABLE_MAX (1u << 20) /* a longer table is refused */

/* Where the caller can read @len bytes of physical memory at @phys, or
 * NULL when it cannot (not RAM, or beyond what it maps). */
typedef const void *(*acpi_map_fn)(u64 phys, u32 len, void *ctx);

struct acpi_cpu {
	u32 apic_id;
	u32 uid;        /* the ACPI processor UID */
	bool x2apic;    /* from a Processor Local x2APIC entry */
};

/* A Local APIC NMI or Local x2APIC NMI entry. */
struct acpi_nmi {
	u32 uid;        /* the ACPI processor UID named, unless all_cpus */
	bool all_cpus;  /* UID 0xFF (type 4) or 0xFFFFFFFF (type 0xA) */
	bool x2apic;    /* from a Local x2APIC NMI entry */
	u16 flags;      /* MPS INTI flags */
	u8 lint;        /* 0 or 1 */
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
	u32 nnmis;            /* NMI entries, in MADT order */
	struct acpi_nmi nmis[ACPI_MAX_NMIS];
	u32 nmis_dropped;     /* past ACPI_MAX_NMIS */
	u32 nmis_bad_lint;    /* naming a LINT# other than 0 or 1: left out */
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

/* The listed CPU whose APIC ID is @apic_id, or NULL. */
const struct acpi_cpu *acpi_cpu_by_apic_id(const struct acpi_info *info, u32 apic_id);

/* Where NMIs reach one CPU (the rules at the top). */
struct acpi_nmi_pins {
	u8 lint;        /* bit n: LINTn carries NMI */
	u8 active_low;  /* bit n: ... and is active low */
	bool from_madt; /* an entry named the CPU; else the MP convention */
};

/* The NMI pins of @cpu (from @info's CPU list): the MADT's entries for
 * its UID and for all processors.  @cpu NULL (a CPU the MADT does not
 * list) gets the entries for all processors only; @info NULL (no MADT)
 * the convention. */
struct acpi_nmi_pins acpi_nmi_pins(const struct acpi_info *info,
				   const struct acpi_cpu *cpu);

/* Name of an enum acpi_error value, for logs ("ACPI_E_MADT"). */
const char *acpi_error_name(int err);

#endif
