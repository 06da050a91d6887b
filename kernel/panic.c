/* panic.c - panics and leaving the emulator with a status. */
#include "arch/x86.h"
#include "console.h"
#include "kernel.h"
#include "trap.h"
#include <stdarg.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define QEMU_EXIT_SUCCESS 0x10 /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define QEMU_EXIT_FAILURE 0x11 /* 35 */
#define BOCHS_SHUTDOWN_PORT 0x8900

void machine_exit(enum exit_status status)
{
	cli();
	kprintf("slotgate: exit %d\n", (int)status);
	serial_drain(); /* or the emulator quits before the last bytes leave */
	outb(QEMU_DEBUG_EXIT_PORT,
	     status == EXIT_SUCCESS_ ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (u8)*s);
	for (;;)
		hlt();
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	cli();
	kprintf("\nPANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	u64 rsp, rbp;
	__asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
	kprintf("\n  rsp %016lx rbp %016lx cr2 %016lx cr3 %016lx cr4 %016lx\n",
		rsp, rbp, read_cr2(), read_cr3(), read_cr4());
	kprintf("  caller %p\n", __builtin_return_address(0));
	machine_exit(EXIT_FAILURE_);
}

void panic_frame(const struct trap_frame *f, const char *why)
{
	cli();
	kprintf("\nPANIC: %s\n", why);
	trap_report("kernel", f, true);
	machine_exit(EXIT_FAILURE_);
}
