/*
 * bootinfo.h - what GRUB told us, kept for the whole run: the parsed
 * multiboot2 information, the modules (ring-3 images) by name and the
 * kernel command line's key=value options.
 */
#ifndef SLOTGATE_BOOTINFO_H
#define SLOTGATE_BOOTINFO_H

#include "mb2.h"
#include "types.h"

extern struct mb2_info boot_info;

/* Parse the structure at physical @info_phys, or panic: without a memory
 * map the kernel cannot go on.  Returns the structure's size in bytes. */
u32 bootinfo_parse(u32 magic, u64 info_phys);

/* The module whose command line starts with the word @name: its bytes (through the direct
 * map) and size.  false when there is none. */
bool module_find(const char *name, const void **data, size_t *size);

/* Copy the value of "key=value" on the kernel command line into @out;
 * false when the key is absent. */
bool cmdline_get(const char *key, char *out, size_t size);

#endif
