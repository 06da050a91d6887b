/*
 * tlb.h - the only hardware operations the slot code uses: PML4-entry
 * writes, CR3 writes, INVLPG and INVPCID, each counted per CPU.
 *
 * In the kernel these are the instructions.  Built for the host
 * (HOST_TEST), they are calls into a model of the SDM's TLB rules
 * (tests/host/tlb_model.c), so the real slot-swap and flush code can be
 * run against a TLB that caches as much as the SDM allows.
 */
#ifndef SLOTGATE_TLB_H
#define SLOTGATE_TLB_H

#include "types.h"

#define CR3_NOFLUSH (1ull << 63) /* SDM 3A §4.10.4.1, with CR4.PCIDE = 1 */
#define CR3_PCID_MASK 0xfffull   /* CR3[11:0] with CR4.PCIDE = 1 (§4.5) */
#define INVPCID_ADDRESS 0        /* one address in one PCID */
#define INVPCID_CONTEXT 1        /* everything non-global of one PCID */
#define INVPCID_ALL_GLOBAL 2     /* everything, globals included */
#define INVPCID_ALL 3            /* everything but globals */

struct slot_counters {
	u64 cr3_writes;
	u64 invlpgs;
	u64 invpcids;
	u64 pml4e_writes;
	/* Shootdowns (view.c): asked of other CPUs by IPI, done here for
	 * another CPU's request, and PCIDs dropped on another CPU instead. */
	u64 shootdown_ipis;
	u64 shootdowns_received;
	u64 lazy_invalidations;
};

#ifdef HOST_TEST
void tlb_model_write_pml4e(u64 *entry, u64 value);
void tlb_model_write_cr3(u64 value);
void tlb_model_invlpg(u64 va);
void tlb_model_invpcid(u64 type, u64 pcid, u64 va);
#define hw_write_pml4e tlb_model_write_pml4e
#define hw_write_cr3 tlb_model_write_cr3
#define hw_invlpg tlb_model_invlpg
#define hw_invpcid tlb_model_invpcid
#else
static inline void hw_write_pml4e(u64 *entry, u64 value)
{
	*(volatile u64 *)entry = value;
}
static inline void hw_write_cr3(u64 v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void hw_invlpg(u64 va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
static inline void hw_invpcid(u64 type, u64 pcid, u64 va)
{
	struct {
		u64 pcid, va;
	} desc = {pcid, va};
	__asm__ volatile("invpcid %0, %1" ::"m"(desc), "r"(type) : "memory");
}
#endif

static inline void tlb_write_pml4e(struct slot_counters *n, u64 *entry, u64 value)
{
	n->pml4e_writes++;
	hw_write_pml4e(entry, value);
}
static inline void tlb_write_cr3(struct slot_counters *n, u64 value)
{
	n->cr3_writes++;
	hw_write_cr3(value);
}
static inline void tlb_invlpg(struct slot_counters *n, u64 va)
{
	n->invlpgs++;
	hw_invlpg(va);
}
/* INVLPG of @n addresses, counted once: a tight loop on the gate path. */
static inline void tlb_invlpg_list(struct slot_counters *n, const u64 *va, u32 count)
{
	n->invlpgs += count;
	for (const u64 *end = va + count; va < end; va++)
		hw_invlpg(*va);
}
static inline void tlb_invpcid(struct slot_counters *n, u64 type, u64 pcid, u64 va)
{
	n->invpcids++;
	hw_invpcid(type, pcid, va);
}

#endif
