/*
 * gdt.h - segments and the TSS.
 *
 * Layout fixed by SYSCALL/SYSRET (SDM 2B SYSRET: CS = STAR[63:48] + 16,
 * SS = STAR[63:48] + 8): kernel code, kernel data, user data, user code.
 * The TSS gives RSP0 (the stack for traps from ring 3) and the IST stacks
 * for #DF, NMI and #MC, so those run on a known-good stack whatever RSP
 * was (SDM 3A §6.14.5).
 */
#ifndef SLOTGATE_GDT_H
#define SLOTGATE_GDT_H

#include "types.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define SEL_TSS 0x28

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE 8192

#define IO_PORTS 65536

/* The I/O permission bitmap follows the TSS proper: bit n set = port n
 * denied to ring 3 (IOPL stays 0); one extra all-ones byte must end it
 * (SDM 1 §19.5.2). */
struct __attribute__((packed)) tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
	u8 iomap[IO_PORTS / 8 + 1];
};

/* Allow (or deny again) ring 3 ports [base, base + count) on this TSS. */
void tss_permit_ports(struct tss *tss, u16 base, u16 count, bool allow);

struct gdt {
	u64 entries[7]; /* null, kcode, kdata, udata, ucode, tss (2 slots) */
};

/* Fill @gdt and @tss, load them (LGDT, LTR) and reload the segments. */
void gdt_load(struct gdt *gdt, struct tss *tss, u64 rsp0, const u64 ist_top[3]);

#endif
