/*
 * main.c - boot order, then one of three jobs chosen on the command line:
 *   mode=test   run every KTAP case and exit with their verdict;
 *   mode=bench  run the benchmarks and print their results;
 *   mode=run    (default) run the first application, then the benchmarks;
 *   mode=nmitest  NMIs sent from outside, counted by state (nmitest.h).
 */
#include "arch/x86.h"
#include "bench.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "driver.h"
#include "heap.h"
#include "kernel.h"
#include "kpt.h"
#include "ktest.h"
#include "lapic.h"
#include "nmitest.h"
#include "percpu.h"
#include "pmu.h"
#include "bkl.h"
#include "smp.h"
#include "pmm.h"
#include "syscall.h"
#include "trap.h"
#include "kstring.h"
#include "user.h"

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

/* Remap the legacy 8259 PICs out of the exception range and mask them:
 * the LAPIC does all our interrupts.  ICW1-4 (8259A data sheet). */
static void pic_disable(void)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(PIC1_DATA, VEC_PIC_BASE);
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static void print_memory(void)
{
	kprintf("mem: %lu frames (%lu MiB), %lu free, %lu allocated\n",
		pmm_total_frames(), pmm_total_frames() >> 8, pmm_free_frames(),
		pmm_allocated());
	/* UEFI maps run long; a dropped entry's memory stays unused (never
	 * handed out), but the reader should know it is there. */
	kprintf("mem: %zu memory-map entries kept, %zu dropped%s\n",
		boot_info.mmap_count, boot_info.mmap_dropped,
		boot_info.mmap_dropped ? " (their memory is not used)" : "");
}

static void run_first_app(void)
{
	i64 code = -1;
	int err = user_run_module("hello", 0, &code, NULL);
	kprintf("run: hello returned %d, exit code %ld\n", err, code);
}

void kmain(u32 magic, u64 info_phys)
{
	char mode[16] = "run";

	serial_init();
	kprintf("\nslotgate: booting (FLUSH=%s)\n", FLUSH_NAME);
	u32 info_size = bootinfo_parse(magic, info_phys);
	kprintf("boot: loader \"%s\", cmdline \"%s\", %zu modules\n",
		boot_info.loader_name, boot_info.cmdline, boot_info.module_count);
	cpu_detect();
	pmm_init(&boot_info, info_phys, info_size);
	kpt_init(&boot_info);
	screen_init(&boot_info);
	percpu_init_boot();
	bkl_acquire(); /* kernel code holds it (bkl.h) */
	idt_init();
	cpu_enable_protection();
	cpu_probe_core_clock(); /* its RDMSRs may #GP: after idt_init() */
	pmu_init();             /* likewise */
	percpu_init_slots();
	pic_disable();
	smp_read_acpi(&boot_info); /* the FADT's PM timer, for the clocks */
	cpu_measure_tsc(); /* the LAPIC timer is measured against it */
	lapic_firmware_x2apic();
	lapic_init();
	syscall_init();
	cpu_print();
	print_memory();
	smp_init(&boot_info);
	lapic_timer_start(); /* the tick drives the driver watchdog */
	drivers_load_modules();

	cmdline_get("mode", mode, sizeof(mode));
	if (strcmp(mode, "test") == 0)
		machine_exit(ktest_run_all() ? EXIT_FAILURE_ : EXIT_SUCCESS_);
	if (strcmp(mode, "nmitest") == 0)
		machine_exit(nmi_test_run() ? EXIT_FAILURE_ : EXIT_SUCCESS_);
	if (strcmp(mode, "run") == 0)
		run_first_app();
	bench_run_all();
	machine_exit(EXIT_SUCCESS_);
}
