/*
 * screen.c - which screen the console mirrors to (console.h): the one the
 * boot loader's framebuffer tag describes, or none.
 *
 *   EGA text (a PC booted through BIOS, GRUB in text mode) -> vga.c
 *   direct colour (UEFI's GOP mode, or a VESA mode)        -> fbcon.c
 *   no tag, a palette mode, or one too large to map        -> none
 *
 * Nothing is written to 0xb8000 unless the tag says text mode is there:
 * a UEFI machine may have no VGA hardware at all, and its legacy hole may
 * even be RAM.  COM1 is written in every case (serial.c).
 */
#include "arch/x86.h"
#include "console.h"
#include "fbcon.h"
#include "kernel.h"
#include "kpt.h"
#include "mb2.h"
#include "memlayout.h"
#include "vm.h"

static enum screen_kind kind = SCREEN_NONE;
static struct fbcon fbcon;
static unsigned scr_cols, scr_rows;
static u64 draw_ticks, draw_chars; /* TSC ticks spent drawing, characters */

/* Map the @size bytes at physical @pa at virtual @va (page granular, the
 * offset into the first page kept); where the range is already mapped
 * (RAM in the direct map) it stays as it is.  The address of @pa. */
static void *map_range(u64 va, u64 pa, u64 size, u64 flags)
{
	u64 first = ALIGN_DOWN(pa, PAGE_SIZE), end = ALIGN_UP(pa + size, PAGE_SIZE);

	for (u64 p = first; p < end; p += PAGE_SIZE) {
		struct vm_mapping m;
		u64 at = va + (p - first);
		if (vm_query(kernel_pml4, at, &m))
			continue;
		int err = vm_map(kernel_pml4, at, p, flags);
		if (err)
			panic("screen: map 0x%lx -> 0x%lx failed (%d)", at, p, err);
	}
	return (void *)(va + (pa - first));
}

void screen_init(const struct mb2_info *mb)
{
	const struct mb2_framebuffer *fb = &mb->fb;
	u64 size = (u64)fb->pitch * fb->height;

	if (!mb->has_fb) {
		kprintf("screen: none (the boot loader set no video mode); COM1 only\n");
		return;
	}
	if (fb->type == MB2_FB_EGA_TEXT) {
		map_range(DIRECT_MAP_BASE + ALIGN_DOWN(fb->addr, PAGE_SIZE), fb->addr,
			  size, VM_WRITE | VM_NX | VM_GLOBAL | VM_NOCACHE);
		vga_init(fb->addr, fb->width, fb->height, fb->pitch);
		kind = SCREEN_VGA_TEXT;
		scr_cols = fb->width;
		scr_rows = fb->height;
		kprintf("screen: VGA text %ux%u at 0x%lx\n", fb->width, fb->height,
			fb->addr);
		return;
	}
	if (fb->type != MB2_FB_RGB || size + PAGE_SIZE > FB_VIRT_MAX) {
		kprintf("screen: none (framebuffer type %u, %ux%u, %u bpp: not drawn on); COM1 only\n",
			fb->type, fb->width, fb->height, fb->bpp);
		return;
	}
	void *base = map_range(FB_VIRT_BASE, fb->addr, size,
			       VM_WRITE | VM_NX | VM_GLOBAL | VM_WC);
	if (!fbcon_init(&fbcon, base, fb)) {
		kprintf("screen: none (framebuffer %ux%u too small); COM1 only\n",
			fb->width, fb->height);
		return;
	}
	kind = SCREEN_FRAMEBUFFER;
	scr_cols = fbcon.cols;
	scr_rows = fbcon.rows;
	kprintf("screen: framebuffer %ux%u, %u bpp at 0x%lx: %ux%u characters (scale %u)\n",
		fb->width, fb->height, fb->bpp, fb->addr, fbcon.cols, fbcon.rows,
		fbcon.scale);
}

void screen_putc(char c)
{
	u64 t0 = rdtsc();

	switch (kind) {
	case SCREEN_VGA_TEXT:
		vga_putc(c);
		break;
	case SCREEN_FRAMEBUFFER:
		fbcon_putc(&fbcon, c);
		break;
	default:
		return;
	}
	draw_ticks += rdtsc() - t0;
	draw_chars++;
}

void screen_cost(u64 *ticks, u64 *chars)
{
	*ticks = draw_ticks;
	*chars = draw_chars;
}

void screen_clear(void)
{
	switch (kind) {
	case SCREEN_VGA_TEXT:
		vga_clear();
		break;
	case SCREEN_FRAMEBUFFER:
		fbcon_clear(&fbcon);
		break;
	default:
		break;
	}
}

enum screen_kind screen_kind(void)
{
	return kind;
}

struct fbcon *screen_fbcon(void)
{
	return kind == SCREEN_FRAMEBUFFER ? &fbcon : NULL;
}

void screen_size(unsigned *cols, unsigned *rows)
{
	*cols = scr_cols;
	*rows = scr_rows;
}
