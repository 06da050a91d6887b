/*
 * acpi.c - RSDP, RSDT/XSDT and MADT parsing (see acpi.h).
 *
 * Offsets are the ACPI 6.5 specification's: RSDP §5.2.5.3, the system
 * description table header §5.2.6, RSDT §5.2.7, XSDT §5.2.8, MADT
 * §5.2.12 with its Processor Local APIC (§5.2.12.2), Local APIC NMI
 * (§5.2.12.7), Local APIC Address Override (§5.2.12.8), Processor Local
 * x2APIC (§5.2.12.12) and Local x2APIC NMI (§5.2.12.13) entries, FADT
 * §5.2.9 (its PM timer only).
 * Fields are read with memcpy: tables need not be aligned.
 */
#include "acpi.h"
#include "kstring.h"

#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define SDT_HDR_LEN 36
#define MADT_ENTRIES 44 /* header, local APIC address, flags */

#define MADT_LAPIC 0
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_X2APIC_NMI 0xa
#define MADT_ENABLED 1u
#define MADT_PCAT_COMPAT 1u
#define MPS_POLARITY_MASK 3u      /* MPS INTI flags bits 1:0 (§5.2.12.5) */
#define MPS_POLARITY_ACTIVE_LOW 3u
#define NMI_CONVENTION_LINT 1u    /* the MP specification's NMI pin */

#define FADT_PM_TMR_BLK 76
#define FADT_FLAGS 112
#define FADT_X_PM_TMR_BLK 208
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_HW_REDUCED (1u << 20)
#define GAS_SYSTEM_IO 1 /* Generic Address Structure space (§5.2.3.2) */

static u16 rd16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 rd32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 rd64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;
	while (len--)
		s += *p++;
	return s;
}

/* The table at @phys whose signature is @sig (NULL: any), checksum
 * verified; NULL if unreadable, mis-signed, mis-sized or mis-summed. */
static const u8 *table(u64 phys, const char *sig, acpi_map_fn map, void *ctx)
{
	const u8 *h = phys ? map(phys, SDT_HDR_LEN, ctx) : NULL;
	if (!h || (sig && memcmp(h, sig, 4) != 0))
		return NULL;
	u32 len = rd32(h + 4);
	if (len < SDT_HDR_LEN || len > ACPI_TABLE_MAX)
		return NULL;
	const u8 *t = map(phys, len, ctx);
	return t && sum(t, len) == 0 ? t : NULL;
}

/* The RSDP: the root table's address and whether it is an XSDT. */
static int rsdp_root(const u8 *r, u32 len, struct acpi_info *out, u64 *root)
{
	if (len < RSDP_V1_LEN || memcmp(r, "RSD PTR ", 8) != 0 || sum(r, RSDP_V1_LEN))
		return ACPI_E_RSDP;
	out->revision = r[15];
	if (r[15] >= 2) {
		/* ACPI 2.0+: the whole structure has its own checksum. */
		if (len < RSDP_V2_LEN || rd32(r + 20) < RSDP_V2_LEN ||
		    rd32(r + 20) > len || sum(r, rd32(r + 20)))
			return ACPI_E_RSDP;
		if (rd64(r + 24)) {
			out->xsdt = true;
			*root = rd64(r + 24);
			return ACPI_OK;
		}
	}
	*root = rd32(r + 16);
	return ACPI_OK;
}

/* Record an enabled processor, once per APIC ID. */
static void add_cpu(struct acpi_info *out, u32 apic_id, u32 uid, bool x2apic)
{
	for (u32 i = 0; i < out->ncpus; i++)
		if (out->cpus[i].apic_id == apic_id)
			return; /* listed twice (xAPIC and x2APIC entry) */
	if (out->ncpus == ACPI_MAX_CPUS) {
		out->cpus_dropped++;
		return;
	}
	out->cpus[out->ncpus++] = (struct acpi_cpu){apic_id, uid, x2apic};
}

/* Record an NMI entry; one naming a pin the LAPIC lacks is left out. */
static void add_nmi(struct acpi_info *out, struct acpi_nmi nmi)
{
	if (nmi.lint > 1) {
		out->nmis_bad_lint++;
		return;
	}
	if (out->nnmis == ACPI_MAX_NMIS) {
		out->nmis_dropped++;
		return;
	}
	out->nmis[out->nnmis++] = nmi;
}

/* One MADT entry of @len bytes at @e (inside the table). */
static int madt_entry(const u8 *e, u32 len, struct acpi_info *out)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (len < 8)
			return ACPI_E_MADT;
		if (!(rd32(e + 4) & MADT_ENABLED) || e[3] == 0xff)
			out->cpus_disabled++;
		else
			add_cpu(out, e[3], e[2], false);
		return ACPI_OK;
	case MADT_X2APIC:
		if (len < 16)
			return ACPI_E_MADT;
		if (!(rd32(e + 8) & MADT_ENABLED))
			out->cpus_disabled++;
		else
			add_cpu(out, rd32(e + 4), rd32(e + 12), true);
		return ACPI_OK;
	case MADT_LAPIC_NMI: /* UID at 2, flags at 3, LINT# at 5 */
		if (len < 6)
			return ACPI_E_MADT;
		add_nmi(out, (struct acpi_nmi){.uid = e[2], .all_cpus = e[2] == 0xff,
					       .flags = rd16(e + 3), .lint = e[5]});
		return ACPI_OK;
	case MADT_X2APIC_NMI: /* flags at 2, UID at 4, LINT# at 8 */
		if (len < 12)
			return ACPI_E_MADT;
		add_nmi(out, (struct acpi_nmi){.uid = rd32(e + 4),
					       .all_cpus = rd32(e + 4) == 0xffffffffu,
					       .x2apic = true, .flags = rd16(e + 2),
					       .lint = e[8]});
		return ACPI_OK;
	case MADT_LAPIC_OVERRIDE:
		if (len < 12)
			return ACPI_E_MADT;
		out->lapic_phys = rd64(e + 4);
		return ACPI_OK;
	default:
		return ACPI_OK; /* I/O APICs, NMI sources, ...: not used yet */
	}
}

static int madt(const u8 *t, struct acpi_info *out)
{
	u32 len = rd32(t + 4), off = MADT_ENTRIES;

	if (len < MADT_ENTRIES)
		return ACPI_E_MADT;
	out->lapic_phys = rd32(t + 36);
	out->pcat_compat = rd32(t + 40) & MADT_PCAT_COMPAT;
	while (len - off >= 2) {
		u32 elen = t[off + 1];
		if (elen < 2 || elen > len - off)
			return ACPI_E_MADT;
		int err = madt_entry(t + off, elen, out);
		if (err)
			return err;
		out->madt_entries++;
		off += elen;
	}
	if (off != len)
		return ACPI_E_MADT; /* one stray byte at the end */
	return out->ncpus ? ACPI_OK : ACPI_E_NO_CPU;
}

/* The first valid table with signature @sig that the root table @root
 * lists. */
static const u8 *find_table(const u8 *root, bool xsdt, const char *sig,
			    acpi_map_fn map, void *ctx)
{
	u32 width = xsdt ? 8 : 4, n = (rd32(root + 4) - SDT_HDR_LEN) / width;

	for (u32 i = 0; i < n; i++) {
		const u8 *p = root + SDT_HDR_LEN + i * width;
		const u8 *t = table(xsdt ? rd64(p) : rd32(p), sig, map, ctx);
		if (t)
			return t;
	}
	return NULL;
}

/* The FADT's power-management timer (ACPI 6.5 §5.2.9, Table 5.9:
 * PM_TMR_BLK at 76, Flags at 112 - TMR_VAL_EXT bit 8, HW_REDUCED_ACPI bit
 * 20 - and X_PM_TMR_BLK, a Generic Address Structure, at 208; §4.8.3.3:
 * a 24- or 32-bit counter at 3.579545 MHz).  Only an I/O-port timer is
 * kept; a hardware-reduced platform has none.  A FADT too short for a
 * field lacks it. */
static void fadt(const u8 *t, struct acpi_info *out)
{
	u32 len = rd32(t + 4);
	if (len < FADT_FLAGS + 4)
		return;
	u32 flags = rd32(t + FADT_FLAGS);
	if (flags & FADT_HW_REDUCED)
		return;
	u64 port = rd32(t + FADT_PM_TMR_BLK);
	if (len >= FADT_X_PM_TMR_BLK + 12 && t[FADT_X_PM_TMR_BLK] == GAS_SYSTEM_IO &&
	    rd64(t + FADT_X_PM_TMR_BLK + 4))
		port = rd64(t + FADT_X_PM_TMR_BLK + 4);
	if (!port || port > 0xfffc)
		return;
	out->pm_timer_port = (u16)port;
	out->pm_timer_32bit = flags & FADT_TMR_VAL_EXT;
}

int acpi_parse(const void *rsdp, u32 rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out)
{
	struct acpi_info info;
	u64 root_phys;

	if (!rsdp || rsdp_len == 0)
		return ACPI_E_NO_RSDP;
	memset(&info, 0, sizeof(info));
	int err = rsdp_root(rsdp, rsdp_len, &info, &root_phys);
	if (err)
		return err;
	const u8 *root = table(root_phys, info.xsdt ? "XSDT" : "RSDT", map, ctx);
	if (!root)
		return ACPI_E_ROOT;
	const u8 *f = find_table(root, info.xsdt, "FACP", map, ctx);
	if (f)
		fadt(f, &info); /* optional: only the PM timer is read */
	const u8 *m = find_table(root, info.xsdt, "APIC", map, ctx);
	if (!m)
		return ACPI_E_NO_MADT;
	err = madt(m, &info);
	if (err)
		return err;
	*out = info;
	return ACPI_OK;
}

const struct acpi_cpu *acpi_cpu_by_apic_id(const struct acpi_info *info, u32 apic_id)
{
	for (u32 i = 0; info && i < info->ncpus; i++)
		if (info->cpus[i].apic_id == apic_id)
			return &info->cpus[i];
	return NULL;
}

/* The rules are acpi.h's: entries for @cpu's UID or for all processors
 * add up; the first to name a pin gives its polarity. */
struct acpi_nmi_pins acpi_nmi_pins(const struct acpi_info *info,
				   const struct acpi_cpu *cpu)
{
	struct acpi_nmi_pins pins = {0};

	for (u32 i = 0; info && i < info->nnmis; i++) {
		const struct acpi_nmi *n = &info->nmis[i];
		u8 bit = (u8)(1u << n->lint);
		if (!n->all_cpus && (!cpu || cpu->uid != n->uid))
			continue;
		if (!(pins.lint & bit) &&
		    (n->flags & MPS_POLARITY_MASK) == MPS_POLARITY_ACTIVE_LOW)
			pins.active_low |= bit;
		pins.lint |= bit;
		pins.from_madt = true;
	}
	if (!pins.from_madt)
		pins.lint = 1u << NMI_CONVENTION_LINT; /* active high */
	return pins;
}

const char *acpi_error_name(int err)
{
	static const char *const names[] = {
		"ACPI_OK",	 "ACPI_E_NO_RSDP", "ACPI_E_RSDP",  "ACPI_E_ROOT",
		"ACPI_E_NO_MADT", "ACPI_E_MADT",   "ACPI_E_NO_CPU",
	};

	if (err > 0 || err < -(int)(ARRAY_SIZE(names) - 1))
		return "ACPI_E_UNKNOWN";
	return names[-err];
}
