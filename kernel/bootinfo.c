/* bootinfo.c - the multiboot2 information, modules and command line. */
#include "bootinfo.h"
#include "kernel.h"
#include "kstring.h"
#include "memlayout.h"

struct mb2_info boot_info;

/* The boot tables map the first 4 GiB; GRUB puts the info below that. */
#define BOOT_MAPPED_LIMIT (4ull << 30)

u32 bootinfo_parse(u32 magic, u64 info_phys)
{
	if (info_phys >= BOOT_MAPPED_LIMIT)
		panic("multiboot2 info at 0x%lx is beyond the boot map", info_phys);
	int err = mb2_parse(magic, phys_to_virt(info_phys),
			    BOOT_MAPPED_LIMIT - info_phys, &boot_info);
	if (err)
		panic("bad multiboot2 information: %s", mb2_error_name(err));
	return boot_info.total_size;
}

bool module_find(const char *name, const void **data, size_t *size)
{
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const struct mb2_module *m = &boot_info.modules[i];
		size_t n = strlen(name);
		/* The first word of the module's command line is its name. */
		if (strncmp(m->cmdline, name, n) == 0 &&
		    (m->cmdline[n] == '\0' || m->cmdline[n] == ' ')) {
			*data = phys_to_virt(m->start);
			*size = m->end - m->start;
			return true;
		}
	}
	return false;
}

bool cmdline_get(const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = boot_info.cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - word) > klen && strncmp(word, key, klen) == 0 &&
		    word[klen] == '=') {
			size_t n = MIN((size_t)(p - word) - klen - 1, size - 1);
			memcpy(out, word + klen + 1, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}
