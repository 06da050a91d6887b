/* kpt.c - the kernel's reference page tables (see kpt.h). */
#include "kpt.h"
#include "arch/x86.h"
#include "console.h"
#include "kernel.h"
#include "kstring.h"
#include "mb2.h"
#include "memlayout.h"
#include "pmm.h"
#include "vm.h"

u64 *kernel_pml4;
u64 kernel_pml4_phys;

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static void map_or_panic(u64 va, u64 pa, u64 flags)
{
	int err = vm_map(kernel_pml4, va, pa, flags);
	if (err)
		panic("kpt: map 0x%lx -> 0x%lx failed (%d)", va, pa, err);
}

/* Direct map of [base, base+len): 2 MiB pages where a whole aligned 2 MiB
 * block lies inside, 4 KiB pages at the ragged edges. */
static void direct_map_range(u64 base, u64 len)
{
	const u64 flags = VM_WRITE | VM_NX | VM_GLOBAL;
	u64 pa = ALIGN_DOWN(base, PAGE_SIZE), end = ALIGN_UP(base + len, PAGE_SIZE);

	while (pa < end) {
		if (IS_ALIGNED(pa, LARGE_PAGE_SIZE) && pa + LARGE_PAGE_SIZE <= end) {
			map_or_panic(DIRECT_MAP_BASE + pa, pa, flags | VM_LARGE);
			pa += LARGE_PAGE_SIZE;
		} else {
			struct vm_mapping m;
			if (!vm_query(kernel_pml4, DIRECT_MAP_BASE + pa, &m))
				map_or_panic(DIRECT_MAP_BASE + pa, pa, flags);
			pa += PAGE_SIZE;
		}
	}
}

static bool is_ram(u32 type)
{
	return type == MB2_MEM_AVAILABLE || type == MB2_MEM_ACPI_RECLAIMABLE ||
	       type == MB2_MEM_NVS;
}

static void map_kernel_image(void)
{
	u64 va = (u64)__kernel_start;
	for (; va < (u64)__text_end; va += PAGE_SIZE)
		map_or_panic(va, va - KERNEL_VMA, VM_GLOBAL);
	for (; va < (u64)__rodata_end; va += PAGE_SIZE)
		map_or_panic(va, va - KERNEL_VMA, VM_GLOBAL | VM_NX);
	for (; va < (u64)__kernel_end; va += PAGE_SIZE)
		map_or_panic(va, va - KERNEL_VMA, VM_GLOBAL | VM_NX | VM_WRITE);
}

void kpt_init(const struct mb2_info *mb)
{
	kernel_pml4_phys = pmm_alloc();
	BUG_ON(!kernel_pml4_phys);
	kernel_pml4 = phys_to_virt(kernel_pml4_phys);
	/* Create every upper-half PDPT now; see kpt.h for why. */
	for (unsigned i = KERNEL_FIRST_PML4; i < 512; i++) {
		u64 pdpt = pmm_alloc();
		BUG_ON(!pdpt);
		kernel_pml4[i] = pdpt | PTE_P | PTE_RW;
	}
	for (size_t i = 0; i < mb->mmap_count; i++)
		if (is_ram(mb->mmap[i].type))
			direct_map_range(mb->mmap[i].base, mb->mmap[i].length);
	map_kernel_image();
	/* No device memory here: the screen maps what the boot says it has
	 * (screen.c), the LAPIC its own page (lapic.c). */
	write_cr3(kernel_pml4_phys);
}

u64 kpt_new_pml4(void)
{
	u64 pa = pmm_alloc();
	if (pa)
		memcpy((u64 *)phys_to_virt(pa) + KERNEL_FIRST_PML4,
		       kernel_pml4 + KERNEL_FIRST_PML4, 256 * sizeof(u64));
	return pa;
}
