/* gdt.c - builds and loads one CPU's GDT and TSS. */
#include "gdt.h"
#include "arch/x86.h"
#include "kstring.h"
#include <stddef.h>

/* Long-mode code/data descriptors: only P, DPL, S, type and L matter. */
#define DESC_CODE64(dpl) (0x00209a0000000000ull | ((u64)(dpl) << 45))
#define DESC_DATA(dpl) (0x0000920000000000ull | ((u64)(dpl) << 45))

/* 64-bit TSS descriptor: 16 bytes, type 9 = available TSS (SDM 3A §8.2.3). */
static void set_tss_descriptor(u64 *slot, const struct tss *tss)
{
	u64 base = (u64)tss, limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void tss_permit_ports(struct tss *tss, u16 base, u16 count, bool allow)
{
	for (u32 port = base; port < (u32)base + count; port++) {
		if (allow)
			tss->iomap[port / 8] &= (u8)~(1u << (port % 8));
		else
			tss->iomap[port / 8] |= (u8)(1u << (port % 8));
	}
}

void gdt_load(struct gdt *gdt, struct tss *tss, u64 rsp0, const u64 ist_top[3])
{
	memset(tss, 0, sizeof(*tss));
	tss->rsp[0] = rsp0;
	tss->ist[IST_DOUBLE_FAULT - 1] = ist_top[0];
	tss->ist[IST_NMI - 1] = ist_top[1];
	tss->ist[IST_MACHINE_CHECK - 1] = ist_top[2];
	tss->iomap_base = (u16)offsetof(struct tss, iomap);
	memset(tss->iomap, 0xff, sizeof(tss->iomap)); /* every port denied */

	gdt->entries[0] = 0;
	gdt->entries[SEL_KCODE >> 3] = DESC_CODE64(0);
	gdt->entries[SEL_KDATA >> 3] = DESC_DATA(0);
	gdt->entries[SEL_UDATA >> 3] = DESC_DATA(3);
	gdt->entries[SEL_UCODE >> 3] = DESC_CODE64(3);
	set_tss_descriptor(&gdt->entries[SEL_TSS >> 3], tss);

	struct descriptor_ptr p = {sizeof(gdt->entries) - 1, (u64)gdt->entries};
	lgdt(&p);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w1, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t" ::"i"(SEL_KCODE),
			 "i"(SEL_KDATA)
			 : "rax", "memory");
	ltr(SEL_TSS);
}
