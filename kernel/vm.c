/* vm.c - 4-level page tables (pure C, host-tested; see vm.h). */
#include "vm.h"
#include "errno.h"
#include "memlayout.h"

static u64 tables_in_use; /* made by walk(), not yet freed */

u64 vm_tables_in_use(void) { return tables_in_use; }

u64 vm_new_table(void)
{
	u64 frame = vm_table_alloc();
	tables_in_use += frame != 0;
	return frame;
}

/* Walk down to the table at @level that maps @va, creating tables when
 * @create.  Returns NULL if missing (or out of memory when creating) or if
 * a large page sits in the way (*large_hit set). */
static u64 *walk(u64 *pml4, u64 va, int level, bool create, u64 user,
		 bool *large_hit)
{
	u64 *table = pml4;

	for (int l = 4; l > level; l--) {
		u64 *e = &table[vm_index(va, l)];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			u64 frame = vm_new_table();
			if (!frame)
				return NULL;
			*e = frame | PTE_P | PTE_RW | user;
		} else if (*e & PTE_PS) {
			if (large_hit)
				*large_hit = true;
			return NULL;
		} else {
			*e |= user; /* a user page below: let U/S through */
		}
		table = vm_table_virt(*e & PTE_ADDR);
	}
	return table;
}

int vm_map(u64 *pml4, u64 va, u64 pa, u64 flags)
{
	bool large = flags & VM_LARGE;
	u64 align = large ? LARGE_PAGE_SIZE : PAGE_SIZE;
	bool large_hit = false;

	if (!is_canonical(va) || !IS_ALIGNED(va, align) ||
	    !IS_ALIGNED(pa, align) || (pa & ~PTE_ADDR) || (flags & ~VM_FLAG_MASK))
		return -E_INVAL;
	u64 *table = walk(pml4, va, large ? 2 : 1, true, flags & VM_USER,
			  &large_hit);
	if (!table)
		return large_hit ? -E_BUSY : -E_NOMEM;
	u64 *e = &table[vm_index(va, large ? 2 : 1)];
	if (*e & PTE_P)
		return -E_BUSY;
	*e = pa | flags | PTE_P;
	return 0;
}

static bool table_empty(const u64 *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

static int unmap(u64 *pml4, u64 va, u64 *pa, bool free_tables)
{
	u64 *path[5] = {[4] = pml4};
	int level = 4;

	if (!is_canonical(va))
		return -E_NOENT;
	/* Walk to the leaf, remembering the tables on the way. */
	for (;;) {
		u64 e = path[level][vm_index(va, level)];
		if (!(e & PTE_P))
			return -E_NOENT;
		if (level == 1 || (level == 2 && (e & PTE_PS)))
			break;
		if (e & PTE_PS)
			return -E_NOENT; /* 1 GiB pages are never made here */
		path[level - 1] = vm_table_virt(e & PTE_ADDR);
		level--;
	}
	u64 leaf = path[level][vm_index(va, level)];
	u64 align = level == 2 ? LARGE_PAGE_SIZE : PAGE_SIZE;
	if (!IS_ALIGNED(va, align))
		return -E_NOENT;
	if (pa)
		*pa = leaf & (level == 2 ? PTE_LARGE_ADDR : PTE_ADDR);
	path[level][vm_index(va, level)] = 0;
	/* Free the page tables and directories that became empty, bottom up.
	 * A PDPT stays: its PML4 entry is a view's identity (slots/view.h) or
	 * shared by every PML4 (kpt.h); vm_free_range() frees it.  Nothing is
	 * freed in the upper half: its tables are reached under every PCID,
	 * and an INVLPG empties only the current PCID's paging-structure
	 * caches, global pages or not (SDM 3A §4.10.2.4, §4.10.4.1); another
	 * PCID could walk through a freed, reused table. */
	int top = !free_tables || pml4_index(va) >= KERNEL_FIRST_PML4 ? 0 : 2;
	for (int l = level; l <= top && table_empty(path[l]); l++) {
		u64 *parent = &path[l + 1][vm_index(va, l + 1)];
		vm_table_free(*parent & PTE_ADDR);
		tables_in_use--;
		*parent = 0;
	}
	return 0;
}

int vm_unmap(u64 *pml4, u64 va, u64 *pa) { return unmap(pml4, va, pa, true); }
int vm_clear(u64 *pml4, u64 va, u64 *pa) { return unmap(pml4, va, pa, false); }

bool vm_query(const u64 *pml4, u64 va, struct vm_mapping *m)
{
	const u64 *table = pml4;

	if (!is_canonical(va))
		return false;
	/* On the gate path several times per pointer: one shift per level,
	 * the leaf tests only where a leaf can be. */
	for (unsigned shift = 39;; shift -= 9) {
		u64 e = table[(va >> shift) & 511];
		if (!(e & PTE_P))
			return false;
		if (shift == 12) {
			m->pa = (e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
			m->flags = e & (VM_FLAG_MASK & ~PTE_PS);
			m->size = PAGE_SIZE;
			return true;
		}
		if (e & PTE_PS) {
			if (shift != 21)
				return false; /* 1 GiB pages are not used */
			m->pa = (e & PTE_LARGE_ADDR) | (va & (LARGE_PAGE_SIZE - 1));
			m->flags = e & (VM_FLAG_MASK & ~PTE_PS);
			m->size = LARGE_PAGE_SIZE;
			return true;
		}
		table = vm_table_virt(e & PTE_ADDR);
	}
}

/* Free the table at @phys of @level and everything below it. */
static void free_table(u64 phys, int level, void (*free_frame)(u64))
{
	u64 *t = vm_table_virt(phys);

	for (int i = 0; i < 512; i++) {
		u64 e = t[i];
		if (!(e & PTE_P))
			continue;
		bool leaf = level == 1 || (e & PTE_PS);
		if (!leaf)
			free_table(e & PTE_ADDR, level - 1, free_frame);
		else if (free_frame)
			free_frame(e & (level == 2 ? PTE_LARGE_ADDR : PTE_ADDR));
		t[i] = 0;
	}
	vm_table_free(phys);
	tables_in_use--;
}

void vm_free_range(u64 *pml4, unsigned first, unsigned last,
		   void (*free_frame)(u64 pa))
{
	for (unsigned i = first; i <= last && i < 512; i++) {
		if (pml4[i] & PTE_P)
			free_table(pml4[i] & PTE_ADDR, 3, free_frame);
		pml4[i] = 0;
	}
}
