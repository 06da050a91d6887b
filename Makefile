# Slotgate - one non-recursive Makefile, everything out of tree in build/.
#
#   make            kernel, ring-3 images and the ISOs
#   make test       host tests + kernel tests under ACCEL (default auto)
#   make check      host tests + kernel tests under tcg, icount and bochs
#   make bench      boot the bench ISO (auto, then icount) and print the table
#   make run        boot with serial on stdio; make debug waits for gdb
#
# ACCEL=auto|tcg|icount|kvm|bochs picks the emulator (scripts/qemu.sh).
# FLUSH=reload|invlpg|pcid|invpcid picks the slot flush strategy.
# FASTPATH=1|0 builds the gate fast path in (the default) or leaves every
# gate to the slow path (slots/fastpath.h).

ACCEL ?= auto
FLUSH ?= reload
FASTPATH ?= 1
B := build
FLUSHES := reload invlpg pcid invpcid
FLUSH_ID := $(if $(filter $(FLUSH),$(FLUSHES)),FLUSH_$(shell echo $(FLUSH) | tr a-z A-Z),$(error FLUSH must be one of: $(FLUSHES)))

CC := gcc
LD := ld
NASM := nasm
PYTHON := python3

# --- kernel -----------------------------------------------------------------
KCFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-sse -mno-mmx \
	-mno-80387 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -MMD -MP -Ikernel -Islots -Ibench \
	-Idrivers/include -DFLUSH_NAME='"$(FLUSH)"' -DFLUSH_TOKEN=$(FLUSH) -DFLUSH=$(FLUSH_ID) \
	-DFASTPATH=$(FASTPATH)
KLDFLAGS := -nostdlib -static -z max-page-size=0x1000 -T boot/kernel.ld

KERNEL_C := $(wildcard kernel/*.c) $(wildcard slots/*.c) \
	$(wildcard tests/kernel/*.c) $(wildcard bench/*.c)
KERNEL_ASM := $(wildcard boot/*.asm) $(wildcard stubs/*.asm)
# Kernel objects, the kernel and its ISOs live in build/<FLUSH>/ (and
# build/<FLUSH>-slow/ with FASTPATH=0): every variant is its own build, and
# switching never reuses an object.
$(if $(filter 0 1,$(FASTPATH)),,$(error FASTPATH must be 0 or 1))
KB := $(B)/$(FLUSH)$(if $(filter 0,$(FASTPATH)),-slow)
KERNEL_OBJ := $(KERNEL_C:%.c=$(KB)/%.o) $(KERNEL_ASM:%.asm=$(KB)/%.o)
KERNEL := $(KB)/slotgate.elf

$(KB)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

# The gate and IPC fast paths are held to their instruction counts
# (tests/budgets.json):
# no frame pointer there (3 instructions a function; panics print registers).
$(KB)/slots/fastpath.o $(KB)/kernel/ipc.o: KCFLAGS += -fomit-frame-pointer

# The struct offsets and numbers the stubs use, from the C definitions
# (stubs/asm-offsets.c, compiled to assembly only).
ASM_OFFSETS := $(KB)/asm-offsets.inc
$(ASM_OFFSETS): stubs/asm-offsets.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(CC) $(KCFLAGS) -MT $@ -S $< -o $(@:.inc=.s)
	@sed -n 's/^[[:space:]]*\.ascii "->\([A-Z0-9_]*\) \(-\{0,1\}[0-9]*\)"$$/%define \1 \2/p' \
		$(@:.inc=.s) > $@.tmp && mv $@.tmp $@

$(KB)/%.o: %.asm $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf64 -g -F dwarf -Istubs/ -I$(KB)/ -DFASTPATH=$(FASTPATH) -MD $(@:.o=.d) -MP $< -o $@

$(KERNEL): $(KERNEL_OBJ) boot/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJ)

# --- ring-3 images: applications and drivers --------------------------------
UCOMMON := -std=c11 -ffreestanding -fno-stack-protector -mgeneral-regs-only \
	-O2 -g -Wall -Wextra -Werror -MMD -MP -Idrivers/include
# Applications: static, linked at 4 MiB in the application slot.
UCFLAGS := $(UCOMMON) -fno-pic -fno-pie
ULDFLAGS := -nostdlib -static -z max-page-size=0x1000 -T drivers/lib/app.ld
# Drivers: position independent, linked at 0, relocated into their slot.
DCFLAGS := $(UCOMMON) -fpie -mno-red-zone -fvisibility=hidden
DLDFLAGS := -nostdlib -pie --no-dynamic-linker -z text -z norelro \
	-z nopack-relative-relocs -z max-page-size=0x1000 \
	-T drivers/lib/driver.ld
# The libc-free runtime (slotgate/app.h) goes into every ring-3 image.
RT_OBJ := lib/printf.o lib/string.o lib/malloc.o
ULIB_OBJ := $(B)/app-obj/lib/start.o $(B)/app-obj/lib/bench.o \
	$(B)/app-obj/kstring.o $(RT_OBJ:%=$(B)/app-obj/%)
DLIB_OBJ := $(B)/drv-obj/lib/driver_entry.o $(B)/drv-obj/kstring.o \
	$(RT_OBJ:%=$(B)/drv-obj/%)
APPS := $(patsubst drivers/apps/%.c,$(B)/apps/%.elf,$(wildcard drivers/apps/*.c))
DRIVER_NAMES := $(filter-out include lib apps,$(notdir $(patsubst %/,%,$(wildcard drivers/*/))))
DRIVERS := $(DRIVER_NAMES:%=$(B)/drivers/%.elf)

# One memcpy & co. for the kernel and ring 3 (kernel/kstring.c).
$(B)/app-obj/kstring.o: kernel/kstring.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (ring 3)"
	@$(CC) $(UCFLAGS) -Ikernel -c $< -o $@

$(B)/drv-obj/kstring.o: kernel/kstring.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (drivers)"
	@$(CC) $(DCFLAGS) -Ikernel -c $< -o $@

$(B)/app-obj/%.o: drivers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(B)/drv-obj/%.o: drivers/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(DCFLAGS) -c $< -o $@

$(B)/apps/%.elf: $(B)/app-obj/apps/%.o $(ULIB_OBJ) drivers/lib/app.ld
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(LD) $(ULDFLAGS) -o $@ $(filter %.o,$^)

# ipcfs, the file system as an IPC server, links the ramfs driver's pure
# core, built as application code.
$(B)/app-obj/apps/ipcfs.o: UCFLAGS += -Idrivers/ramfs
$(B)/apps/ipcfs.elf: $(B)/app-obj/ramfs/ramfs_core.o

# One link rule per driver folder: drivers/NAME/*.c -> build/drivers/NAME.elf
define driver_rule
$(B)/drivers/$(1).elf: $(patsubst drivers/%.c,$(B)/drv-obj/%.o,$(wildcard drivers/$(1)/*.c)) \
		$(DLIB_OBJ) drivers/lib/driver.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$(LD) $(DLDFLAGS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach d,$(DRIVER_NAMES),$(eval $(call driver_rule,$(d))))

# --- ISOs: one kernel, one grub.cfg per purpose --------------------------------
ISO := $(KB)/slotgate.iso
QUICK_ISO := $(KB)/slotgate-quick.iso
TEST_ISO := $(KB)/slotgate-test.iso
# The test suite with the BSP's LAPIC switched to x2APIC mode before its
# set-up, as firmware may hand over (fw_x2apic=1); and the NMI test mode
# (tests/check_nmi.py).  reload with the fast path only: they test the
# LAPIC and the trap entry, which every build shares.
X2APIC_ISO := $(KB)/slotgate-x2apic.iso
NMI_ISO := $(KB)/slotgate-nmi.iso
ISOS := $(ISO) $(QUICK_ISO) $(TEST_ISO) \
	$(if $(filter reload-1,$(FLUSH)-$(FASTPATH)),$(X2APIC_ISO) $(NMI_ISO))

FUZZ_ISO := $(KB)/slotgate-fuzz.iso

$(ISO): boot/grub-bench.cfg
$(QUICK_ISO): $(KB)/grub-quick.cfg
$(TEST_ISO): boot/grub-test.cfg

$(X2APIC_ISO): $(KB)/grub-x2apic.cfg
$(NMI_ISO): $(KB)/grub-nmi.cfg
$(KB)/grub-x2apic.cfg: boot/grub-test.cfg
	@mkdir -p $(dir $@)
	@sed 's/mode=test/mode=test fw_x2apic=1/' $< > $@
$(KB)/grub-nmi.cfg: boot/grub-test.cfg
	@mkdir -p $(dir $@)
	@sed 's/mode=test/mode=nmitest/' $< > $@

# make bench QUICK=1: the same benchmarks with few samples per row.
$(KB)/grub-quick.cfg: boot/grub-bench.cfg
	@mkdir -p $(dir $@)
	@sed 's/mode=run/mode=run quick=1/' $< > $@

# grub-mkrescue makes an image for every GRUB platform installed: both
# (grub-pc-bin, grub-efi-amd64-bin) make the hybrid ISO that boots through
# BIOS and UEFI, from a CD and from a USB stick; one alone would make an
# ISO that silently boots through one of them only.
GRUB_PLATFORMS := /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi

$(ISOS) $(FUZZ_ISO): $(KERNEL) $(APPS) $(DRIVERS)
	@for d in $(GRUB_PLATFORMS); do [ -d $$d ] || { \
		echo "ISO: $$d missing (grub-pc-bin, grub-efi-amd64-bin): run scripts/install-deps.sh" >&2; \
		exit 1; }; done
	@rm -rf $@.dir && mkdir -p $@.dir/boot/grub
	@cp $(KERNEL) $(APPS) $(DRIVERS) $@.dir/boot/
	@cp $(filter %.cfg,$^) $@.dir/boot/grub/grub.cfg
	@echo "  ISO     $@"
	@mkdir -p $(B)/tmp
	@TMPDIR=$(abspath $(B)/tmp) grub-mkrescue -o $@ $@.dir 2>$@.log || (cat $@.log; false)

all: $(ISOS)
.DEFAULT_GOAL := all

# --- host tests: pure kernel modules built for the host under ASan/UBSan -------
HOST_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -DHOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Ikernel -Islots -Ibench -Ibench/tlbsim -Itests/host \
	-Idrivers/include -Idrivers/ramfs -MMD -MP \
	-DAPP_ELF_PATH='"$(B)/apps/hello.elf"' \
	-DDRIVER_ELF_PATH='"$(B)/drivers/null.elf"'
HOST_PURE := kernel/mb2.c kernel/fbcon.c kernel/font.c kernel/acpi.c kernel/tsc_rate.c \
	kernel/coreclock.c kernel/pmu_events.c \
	kernel/elf.c kernel/pmm_core.c kernel/vm.c \
	kernel/errno.c bench/stats.c slots/view.c $(wildcard slots/flush_*.c) \
	bench/tlbsim/tlb_rules.c bench/tlbsim/tlbsim.c bench/tlbsim/presets.c \
	drivers/ramfs/ramfs_core.c kernel/uspace.c kernel/ipc_msg.c slots/gate_table.c
HOST_SRC := $(wildcard tests/host/*.c) $(filter $(wildcard $(HOST_PURE)),$(HOST_PURE))
HOST_OBJ := $(HOST_SRC:%.c=$(B)/host/%.o)
HTEST := $(B)/host/htest

$(B)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(HOST_CFLAGS) -c $< -o $@

$(HTEST): $(HOST_OBJ) | $(APPS) $(DRIVERS)
	@echo "  HOSTLD  $@"
	@$(CC) $(HOST_CFLAGS) -o $@ $^

# libFuzzer targets (clang, ASan/UBSan), built from the kernel's own sources
# as the host tests are (docs/testing.md): each FUZZ_RUNS executions with a
# fresh seed, then a table (scripts/fuzz_run.py); make check runs a short
# fixed-seed pass of each.  Seeds: tests/host/fuzz/corpus/NAME/.
FUZZ_RUNS ?= 1000000
FUZZ_CHECK_RUNS ?= 20000
FUZZ_TARGETS := elf mb2 acpi uspace gate ipc ramfs
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -DHOST_TEST \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Ikernel -Islots -Ibench -Itests/host -Itests/host/fuzz -Idrivers/include \
	-Idrivers/ramfs
FUZZ_ARENA := kernel/uspace.c kernel/vm.c kernel/pmm_core.c tests/host/arena.c
FUZZ_SRC_elf := kernel/elf.c
FUZZ_SRC_mb2 := kernel/mb2.c
FUZZ_SRC_acpi := kernel/acpi.c
FUZZ_SRC_uspace := $(FUZZ_ARENA)
FUZZ_SRC_gate := slots/gate_table.c
FUZZ_SRC_ipc := kernel/ipc_msg.c $(FUZZ_ARENA)
FUZZ_SRC_ramfs := drivers/ramfs/ramfs_core.c
FUZZ_HDRS := $(wildcard kernel/*.h slots/*.h tests/host/*.h tests/host/fuzz/*.h \
	drivers/include/slotgate/*.h drivers/ramfs/*.h)
FUZZERS := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

define fuzz_rule
$(B)/fuzz/fuzz_$(1): tests/host/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_HDRS)
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	@clang $(FUZZ_CFLAGS) $$(filter %.c,$$^) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

fuzzers: $(FUZZERS)

# The loader's working corpus starts with the images we build.
fuzz: $(FUZZERS) $(APPS) $(DRIVERS)
	@mkdir -p $(B)/fuzz/run/corpus_elf && cp $(DRIVERS) $(APPS) $(B)/fuzz/run/corpus_elf/
	$(PYTHON) scripts/fuzz_run.py --runs $(FUZZ_RUNS) --out $(B)/fuzz/run $(FUZZERS)

# The TLB simulator (bench/tlbsim/, docs/tlb-simulation.md), a host tool.
TLBSIM := $(B)/tlbsim
TLBSIM_SRC := $(wildcard bench/tlbsim/*.c)
$(TLBSIM): $(TLBSIM_SRC) $(wildcard bench/tlbsim/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $(TLBSIM_SRC)
tlbsim: $(TLBSIM)

host-test: $(HTEST)
	$(PYTHON) tests/ktap_runner.py "host=$(HTEST)"

# --- running ------------------------------------------------------------------
QEMU := scripts/qemu.sh
KTIMEOUT ?= 300
RUNNER := $(PYTHON) tests/ktap_runner.py --timeout $(KTIMEOUT)

# Every strategy's test ISO, built by a sub-make per FLUSH value.
all-isos:
	@for f in $(FLUSHES); do $(MAKE) --no-print-directory FLUSH=$$f all || exit 1; done

# The slow path alone (FASTPATH=0) for the strategies make check runs so.
SLOW_FLUSHES := reload pcid
slow-isos:
	@for f in $(SLOW_FLUSHES); do \
		$(MAKE) --no-print-directory FLUSH=$$f FASTPATH=0 all || exit 1; done

# The suite for strategy $(1) under accelerator $(2).
suite = "kernel-$(1)-$(2)=ACCEL=$(2) $(QEMU) $(B)/$(1)/slotgate-test.iso"
# The same booted through UEFI (OVMF) instead of BIOS (SeaBIOS): issue 15.
suite_uefi = "kernel-$(1)-$(2)-uefi=FIRMWARE=uefi ACCEL=$(2) $(QEMU) $(B)/$(1)/slotgate-test.iso"
# The same with $(3) CPUs (issue 13); the runner holds the kernel to them.
suite_smp = "kernel-$(1)-$(2)-smp$(3)=SMP=$(3) ACCEL=$(2) $(QEMU) $(B)/$(1)/slotgate-test.iso"
# reload and invlpg run under ACCEL (tcg when auto finds no KVM); the PCID
# strategies need a CPU with PCID: Bochs, unless ACCEL names kvm or bochs.
PCID_ACCEL := $(if $(filter kvm bochs,$(ACCEL)),$(ACCEL),bochs)

# make test: all four strategies; make FLUSH=x test: that one only.
TEST_FLUSHES := $(if $(filter command line,$(origin FLUSH)),$(FLUSH),$(FLUSHES))
accel_for = $(if $(filter pcid invpcid,$(1)),$(PCID_ACCEL),$(ACCEL))

# The bench programs run in every test run too (under icount, against
# their instruction budgets), so they cannot rot; no timing is asserted.
test: $(HTEST) all-isos
	$(RUNNER) "host=$(HTEST)" \
		$(foreach f,$(TEST_FLUSHES),$(call suite,$(f),$(call accel_for,$(f)))) \
		"bench-smoke=$(PYTHON) tests/check_budget.py reload $(B)/reload/slotgate.iso" \
		"bochsrc=$(PYTHON) tests/check_bochsrc.py $(B)/reload/slotgate-test.iso"

# What CI runs: the test matrix under tcg, the exact icount runs, the two
# TCG strategies under Bochs as well, reload and pcid with the gate fast
# path built out (every gate by the slow path), and every strategy with 2
# CPUs (reload with 4 too, and once more under multi-threaded TCG); reload
# booted through UEFI too, and the bench's end screen read off the screen
# under UEFI (framebuffer) and BIOS (VGA text) with no serial port; the
# readiness checks of issue 15: the suite with the LAPICs in x2APIC mode
# (Bochs, 2 CPUs), the clocks without a PIT, NMIs from QEMU's monitor; a
# short fixed-seed pass of every libFuzzer target.
check: $(HTEST) all-isos slow-isos $(TLBSIM) $(FUZZERS)
	$(RUNNER) "host=$(HTEST)" \
		$(call suite,reload,tcg) $(call suite,invlpg,tcg) \
		$(call suite_uefi,reload,tcg) \
		$(call suite,reload-slow,tcg) $(call suite,pcid-slow,bochs) \
		$(call suite,reload,icount) $(call suite,invlpg,icount) \
		$(call suite,reload,bochs) $(call suite,invlpg,bochs) \
		$(call suite,pcid,bochs) $(call suite,invpcid,bochs) \
		$(call suite_smp,reload,tcg,2) $(call suite_smp,invlpg,tcg,2) \
		$(call suite_smp,pcid,bochs,2) $(call suite_smp,invpcid,bochs,2) \
		$(call suite_smp,reload,tcg,4) \
		"kernel-reload-mttcg-smp4=SMP=4 TCG_THREAD=multi ACCEL=tcg $(QEMU) $(B)/reload/slotgate-test.iso" \
		"budget-reload=$(PYTHON) tests/check_budget.py reload $(B)/reload/slotgate.iso" \
		"budget-invlpg=$(PYTHON) tests/check_budget.py invlpg $(B)/invlpg/slotgate.iso" \
		"bench-plan=$(PYTHON) tests/check_bench_plan.py" \
		"refusal=$(PYTHON) tests/check_refusal.py $(B)/pcid/slotgate.iso $(B)/invpcid/slotgate.iso $(B)/reload/slotgate.iso" \
		"repeat=$(PYTHON) tests/check_repeat.py $(B)/reload/slotgate-quick.iso" \
		"screen=$(PYTHON) tests/check_screen.py $(B)/reload/slotgate-quick.iso" \
		"tlbsim=$(PYTHON) tests/check_tlbsim.py $(TLBSIM)" \
		"bochsrc=$(PYTHON) tests/check_bochsrc.py $(B)/reload/slotgate-test.iso" \
		"kernel-reload-bochs-x2apic-smp2=SMP=2 ACCEL=bochs $(QEMU) $(B)/reload/slotgate-x2apic.iso" \
		"clocks=$(PYTHON) tests/check_clocks.py $(B)/reload/slotgate-test.iso" \
		"nmi=$(PYTHON) tests/check_nmi.py $(B)/reload/slotgate-nmi.iso" \
		"fuzz=$(PYTHON) scripts/fuzz_run.py --ktap --fresh --seed 1 --runs $(FUZZ_CHECK_RUNS) --out $(B)/fuzz/check $(FUZZERS)"

# The in-guest fuzzers alone (tests/kernel/test_gfuzz.c, docs/testing.md):
# the gate fuzzer for CALLS calls and the chaos driver for CHAOS_SEEDS
# seeds, both from SEED (fresh unless given: the run prints it, and the
# same SEED and CALLS under the same FLUSH and ACCEL run the same again;
# icount, the default, makes the whole boot deterministic).
GFUZZ_ACCEL := $(if $(filter command line environment,$(origin ACCEL)),$(ACCEL),icount)
CALLS ?= 1000000
CHAOS_SEEDS ?= 1000
SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
FUZZ_TIMEOUT ?= 3600
$(KB)/grub-fuzz.cfg: boot/grub-test.cfg FORCE
	@mkdir -p $(dir $@)
	@sed 's/mode=test/mode=test ktest=gfuzz_ gfuzz_seed=$(SEED) gfuzz_calls=$(CALLS) chaos_seed=$(SEED) chaos_seeds=$(CHAOS_SEEDS)/' $< > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
$(FUZZ_ISO): $(KB)/grub-fuzz.cfg
fuzz-guest: $(FUZZ_ISO)
	@echo "fuzz-guest: SEED=$(SEED) CALLS=$(CALLS) CHAOS_SEEDS=$(CHAOS_SEEDS) FLUSH=$(FLUSH) ACCEL=$(GFUZZ_ACCEL)"
	$(PYTHON) tests/ktap_runner.py --timeout $(FUZZ_TIMEOUT) \
		"gfuzz-$(FLUSH)-$(GFUZZ_ACCEL)-$(SEED)=ACCEL=$(GFUZZ_ACCEL) $(QEMU) $(FUZZ_ISO)"

BENCH_ISO := $(if $(QUICK),slotgate-quick.iso,slotgate.iso)

# The main job: every strategy's null gate beside call and syscall.  Which
# ISO runs under which accelerator is scripts/bench.py's plan() (make
# bench-plan prints it): under KVM every strategy the host CPU can run
# (cycles), else reload under tcg; every TCG-capable build under icount
# (exact instruction counts), the PCID builds under Bochs.
# BENCH_SMP CPUs: the single-CPU rows run on CPU 0 with the others
# halted (no timer anywhere), the CPU sweep on 1..BENCH_SMP of them.
BENCH_SMP ?= 4
bench: all-isos
	SMP=$(BENCH_SMP) $(PYTHON) scripts/bench.py --plan $(ACCEL) --builds $(B) --iso $(BENCH_ISO)
	$(PYTHON) scripts/plot.py $(B)/bench

bench-plan:
	@$(PYTHON) scripts/bench.py --plan $(ACCEL) --builds $(B) --iso $(BENCH_ISO) --dry-run

# The refill side, simulated (issue 12, docs/tlb-simulation.md): every
# mechanism's null round trip and the slot strategies' working-set sweep
# traced under Bochs and run through the TLB simulator on each preset.
tlb-bench: all-isos $(TLBSIM)
	$(PYTHON) scripts/tlb_sweep.py

run: $(ISO)
	ACCEL=$(ACCEL) $(QEMU) --interactive $(ISO)

debug: $(ISO)
	ACCEL=tcg GDB=1 $(QEMU) --interactive $(ISO)

clean:
	rm -rf $(B)

.PHONY: all all-isos slow-isos tlbsim tlb-bench test check bench bench-plan run debug clean \
	host-test fuzz fuzzers fuzz-guest FORCE
FORCE:
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find $(B) -type f -name '*.d' 2>/dev/null)
