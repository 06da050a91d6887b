#!/bin/bash
# scripts/qemu.sh - boot a Slotgate ISO under one accelerator (SPEC.md §4).
#
#   scripts/qemu.sh [--interactive] [--timeout SECONDS] ISO
#   KERNEL=bzImage [INITRD=file] [APPEND=cmdline] scripts/qemu.sh [options]
#   scripts/qemu.sh --bochsrc-only DIR ISO
#
# --bochsrc-only DIR: write the bochsrc (and the debugger's rc file) that
# ACCEL=bochs would boot ISO with into DIR, then exit 0 without booting;
# tests/check_bochsrc.py checks that very file.
#
# Environment:
#   ACCEL=auto|tcg|icount|kvm|bochs  (default auto: kvm only if /dev/kvm is
#          usable AND the host CPU has vmx/svm, else tcg)
#   SMP=1  MEM=512M  GDB=1 (QEMU waits for gdb on :1234)  QEMU_EXTRA="args"
#   TCG_THREAD=single|multi  (tcg: one host thread for every vCPU, or one
#          each - MTTCG, real parallelism; QEMU's default otherwise)
#   FIRMWARE=bios|uefi  (default bios: QEMU's SeaBIOS; uefi: OVMF from
#          Debian's ovmf package, OVMF_CODE_4M.fd read-only and a per-run
#          copy of OVMF_VARS_4M.fd; OVMF_CODE=, OVMF_VARS= name others;
#          QEMU only, no Secure Boot)
#   COM1=stdio|none  (none: the guest has no serial port at all, as a PC
#          without one; what it prints is then only on its screen)
#   QMP=PATH  QEMU's machine protocol on a unix socket at PATH (screendump,
#          pmemsave, quit: tests/check_screen.py); no QMP by default
#   DEBUG_EXIT=1|0  (0: no isa-debug-exit device, so the guest halts at
#          its end instead of leaving QEMU; the QMP client quits it,
#          and QEMU's exit 0 then counts as success)
#   KERNEL=bzImage [INITRD=file] [APPEND="cmdline"]: boot that kernel
#          (-kernel/-initrd/-append) instead of an ISO, which is then not
#          given; QEMU only (scripts/linux_peer.sh boots Debian's Linux so)
#
# The guest's serial port COM1 goes to stdout; COM2 exists (for the ring-3
# UART driver) with its output discarded. Exit status:
#   0    kernel wrote 0x10 to isa-debug-exit (QEMU status 33), or under Bochs
#        the serial log's last "slotgate: exit N" line has N = 0
#   1    kernel wrote 0x11 (QEMU status 35), or Bochs without "exit 0"
#   2    anything else (reason on stderr), among it the emulator dying of a
#        signal: one line names it, e.g. "bochs aborted (SIGABRT, status 134)"
#   0    also, with KERNEL= only: QEMU exited 0 (the guest powered off; a
#        reset or triple fault looks the same, so the caller checks the log)
#   124  --timeout expired; the emulator was killed
#
# icount: RDTSC advances by one per guest instruction (shift=0, no sleep).
# bochs:  a bochsrc is generated in a temporary directory (in ${TMPDIR:-/tmp},
#         else build/tmp); the serial log is streamed to stdout. The bochsrc
#         opens no host device: the sound drivers are dummies; the PC
#         speaker, game port and parallel port are off. Bochs' VNC (rfb)
#         display binds the first free TCP port in 5900-5949 on all
#         interfaces and has no port option, so it runs in its own network
#         namespace (unshare -n, unprivileged unshare -rn) where that works;
#         where not, it says so and runs without.
# Both emulators run with LC_ALL=C and without DISPLAY/WAYLAND_DISPLAY.
set -euo pipefail

readonly DEBUG_EXIT_OK=33 # (0x10 << 1) | 1
readonly DEBUG_EXIT_FAIL=35 # (0x11 << 1) | 1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INTERACTIVE=0
TIMEOUT=0
ISO=
BOCHSRC_ONLY=
TMPDIR_RUN=
EMU_PID=
TAIL_PID=

say() { printf 'slotgate: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

usage() {
    echo "usage: $0 [--interactive] [--timeout SECONDS] ISO" >&2
    echo "   or: KERNEL=bzImage [INITRD=..] [APPEND=..] $0 [options]" >&2
    echo "   or: $0 --bochsrc-only DIR ISO" >&2
    exit 2
}

parse_args() {
    while (($#)); do
        case $1 in
        --interactive) INTERACTIVE=1 ;;
        --timeout)
            (($# >= 2)) || usage
            [[ $2 =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, got '$2'"
            TIMEOUT=$2
            shift
            ;;
        --bochsrc-only)
            (($# >= 2)) || usage
            [[ -d $2 && -w $2 ]] || die "--bochsrc-only: '$2' is not a writable directory"
            BOCHSRC_ONLY=$(realpath "$2")
            shift
            ;;
        -h | --help) usage ;;
        -*) usage ;;
        *)
            [[ -z $ISO ]] || usage
            ISO=$1
            ;;
        esac
        shift
    done
    if [[ -n ${KERNEL:-} ]]; then
        [[ -z $ISO ]] || die "KERNEL= is set: give no ISO"
        [[ -r $KERNEL ]] || die "cannot read KERNEL '$KERNEL'"
        [[ -z ${INITRD:-} || -r $INITRD ]] || die "cannot read INITRD '$INITRD'"
    else
        [[ -n $ISO ]] || usage
        [[ -r $ISO ]] || die "cannot read ISO '$ISO'"
        ISO=$(realpath "$ISO")
    fi
    ((INTERACTIVE == 0)) || TIMEOUT=0
}

# --- cleanup: only the processes this script started ------------------------
alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# shellcheck disable=SC2317  # stop and on_exit run from the EXIT trap
stop() { # pid: TERM, then KILL if it lingers
    alive "$1" || return 0
    kill -TERM "$1" 2>/dev/null
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        alive "$1" || return 0
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
}

# Runs on every exit path; keeps the exit status.
# shellcheck disable=SC2317
on_exit() {
    local rc=$?
    set +e
    stop "$EMU_PID"
    stop "$TAIL_PID"
    [[ -z $TMPDIR_RUN ]] || rm -rf "$TMPDIR_RUN"
    exit "$rc"
}

trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- accelerator choice ------------------------------------------------------
has_hw_virt() { grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null; }
kvm_usable() { [[ -r /dev/kvm && -w /dev/kvm ]]; }

# Sets ACCEL_NAME and ACCEL_WHY.
pick_accel() {
    local want=${ACCEL:-auto}
    ACCEL_WHY="forced by ACCEL=$want"
    case $want in
    tcg | icount | bochs) ACCEL_NAME=$want ;;
    kvm)
        ACCEL_NAME=kvm
        has_hw_virt || ACCEL_WHY="$ACCEL_WHY; host CPU has NO vmx/svm"
        ;;
    auto)
        ACCEL_NAME=tcg
        if [[ ! -e /dev/kvm ]]; then
            ACCEL_WHY="auto: no /dev/kvm"
        elif ! kvm_usable; then
            ACCEL_WHY="auto: /dev/kvm not readable+writable"
        elif ! has_hw_virt; then
            ACCEL_WHY="auto: /dev/kvm present but host CPU has no vmx/svm"
        else
            ACCEL_NAME=kvm
            ACCEL_WHY="auto: /dev/kvm usable and host CPU has vmx/svm"
        fi
        ;;
    *) die "unknown ACCEL='$want' (auto|tcg|icount|kvm|bochs)" ;;
    esac
}

warn_paravirt_kvm() {
    has_hw_virt && return 0
    cat >&2 <<'EOF'
slotgate: ****************************************************************
slotgate: WARNING: ACCEL=kvm on a host CPU without vmx/svm.
slotgate: This /dev/kvm is paravirtual: every guest ring-0 instruction is
slotgate: emulated (~1,400 cycles each, per SPEC §4), SYSCALL from ring 3
slotgate: does not reach ring 0, and RDTSCP/INVPCID in ring 0 stop it.
slotgate: Any figure from this run is MEANINGLESS as a hardware cost.
slotgate: ****************************************************************
EOF
    kvm_usable || say "WARNING: /dev/kvm is not readable+writable; QEMU will fail"
}

# The emulators' environment: the C locale and no display server, so the
# host's locale and desktop session change nothing (Bochs' GUI libraries
# and QEMU's display code look at DISPLAY and WAYLAND_DISPLAY; Bochs 2.7's
# abort on a failed ALSA open, see write_bochsrc, happened under C.UTF-8
# but not under C).
EMU_ENV=(env -u DISPLAY -u WAYLAND_DISPLAY LC_ALL=C)

# --- waiting, with the timeout ----------------------------------------------
# poll_emu: wait for EMU_PID and set EMU_STATUS; status 1 on timeout.
poll_emu() {
    local deadline=$((SECONDS + TIMEOUT))
    if ((TIMEOUT > 0)); then
        while alive "$EMU_PID"; do
            ((SECONDS < deadline)) || return 1
            sleep 0.1
        done
    fi
    EMU_STATUS=0
    wait "$EMU_PID" || EMU_STATUS=$?
    EMU_PID=
}

# wait_emu: poll_emu; exits 124 on timeout. Its stderr is dropped: when the
# emulator dies of a signal, bash prints a job notice there ("line N: PID
# Aborted ( cd ... )"), which emu_died says better.
wait_emu() {
    if ! poll_emu 2>/dev/null; then
        say "timeout after $TIMEOUT s"
        exit 124 # on_exit() kills the emulator and tail
    fi
}

# emu_died STATUS: "aborted (SIGABRT, status 134)" when STATUS is how wait
# reports a death by signal (128 + N); status 1 if it is not.
emu_died() {
    local name
    (($1 > 128 && $1 <= 128 + 64)) || return 1
    name=SIG$(kill -l "$1" 2>/dev/null) || name="signal $(($1 - 128))"
    case $name in
    SIGABRT) echo "aborted ($name, status $1)" ;;
    SIGSEGV | SIGBUS | SIGILL | SIGFPE) echo "crashed ($name, status $1)" ;;
    *) echo "was killed ($name, status $1)" ;;
    esac
}

# --- QEMU ------------------------------------------------------------------------
# FIRMWARE=uefi: OVMF's code read-only and a copy of its variable store
# for this run alone (the firmware writes boot entries into it), in the
# run directory on_exit removes.
ovmf_args() {
    local code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
    local vars=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
    [[ -r $code && -r $vars ]] ||
        die "FIRMWARE=uefi: cannot read $code or $vars (apt-get install ovmf; or set OVMF_CODE, OVMF_VARS)"
    make_run_dir ovmf
    cp "$vars" "$TMPDIR_RUN/vars.fd"
    QARGS+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
        -drive "if=pflash,format=raw,unit=1,file=$TMPDIR_RUN/vars.fd")
}

qemu_args() {
    QARGS=(-machine q35 -m "${MEM:-512M}" -smp "${SMP:-1}" -no-reboot -display none)
    [[ ${DEBUG_EXIT:-1} == 0 ]] || QARGS+=(-device 'isa-debug-exit,iobase=0xf4,iosize=0x04')
    case ${FIRMWARE:-bios} in
    bios) ;;
    uefi) ovmf_args ;;
    *) die "unknown FIRMWARE='$FIRMWARE' (bios|uefi)" ;;
    esac
    if [[ -n ${KERNEL:-} ]]; then
        QARGS+=(-kernel "$KERNEL")
        [[ -z ${INITRD:-} ]] || QARGS+=(-initrd "$INITRD")
        [[ -z ${APPEND:-} ]] || QARGS+=(-append "$APPEND")
    else
        QARGS+=(-cdrom "$ISO" -boot d)
    fi
    case $ACCEL_NAME in
    tcg) QARGS+=(-accel "tcg${TCG_THREAD:+,thread=$TCG_THREAD}" -cpu max) ;;
    icount) QARGS+=(-accel tcg -cpu max -icount 'shift=0,sleep=off'
        -rtc 'base=2000-01-01T00:00:00,clock=vm') ;;
    # +invtsc: QEMU hides the host's invariant TSC from -cpu host (it
    # blocks migration); a run that reads TSC ticks must know (bench.py
    # warns without it).  A host without it gets the feature filtered out.
    # pmu=on: the virtual PMU the bench counts TLB walks with (kernel/pmu.h),
    # said outright rather than left to the CPU model's default.
    kvm) QARGS+=(-accel kvm -cpu host,+invtsc,pmu=on) ;;
    esac
    case ${COM1:-stdio} in
    none) # "-serial none" alone: a later -serial would become COM1
        QARGS+=(-serial none)
        if ((INTERACTIVE)); then
            QARGS+=(-monitor stdio)
        else
            QARGS+=(-monitor none)
        fi
        ;;
    stdio)
        if ((INTERACTIVE)); then
            QARGS+=(-serial mon:stdio -serial null)
        else
            QARGS+=(-serial stdio -serial null -monitor none)
        fi
        ;;
    *) die "unknown COM1='$COM1' (stdio|none)" ;;
    esac
    [[ -z ${QMP:-} ]] || QARGS+=(-qmp "unix:$QMP,server=on,wait=off")
    if [[ ${GDB:-0} == 1 ]]; then
        QARGS+=(-s -S)
        say "QEMU waits for gdb: target remote :1234"
    fi
    if [[ -n ${QEMU_EXTRA:-} ]]; then
        local -a extra
        read -r -a extra <<<"$QEMU_EXTRA"
        QARGS+=("${extra[@]}")
    fi
}

qemu_status() {
    case $1 in
    "$DEBUG_EXIT_OK") return 0 ;;
    "$DEBUG_EXIT_FAIL") return 1 ;;
    0)
        [[ -z ${KERNEL:-} ]] || return 0 # the guest powered off
        # no isa-debug-exit: the QMP client ended the run
        [[ ${DEBUG_EXIT:-1} != 0 ]] || return 0
        say "qemu exited 0: guest reset, shut down or triple-faulted without writing port 0xf4"
        ;;
    1) say "qemu failed (status 1): bad option, missing ISO or accelerator?" ;;
    *)
        local how
        if how=$(emu_died "$1"); then
            # QEMU's own messages went straight to stderr: they are the
            # lines just above
            say "qemu $how; its last messages are the lines above"
        elif (($1 & 1)); then
            say "guest wrote $(printf '0x%x' $(($1 >> 1))) to isa-debug-exit (status $1)"
        else
            say "qemu exited with status $1"
        fi
        ;;
    esac
    return 2
}

run_qemu() {
    qemu_args
    if ((INTERACTIVE)); then
        # foreground: QEMU needs the terminal for mon:stdio
        EMU_STATUS=0
        "${EMU_ENV[@]}" qemu-system-x86_64 "${QARGS[@]}" || EMU_STATUS=$?
    else
        "${EMU_ENV[@]}" qemu-system-x86_64 "${QARGS[@]}" </dev/null &
        EMU_PID=$!
        wait_emu
    fi
    local rc=0
    qemu_status "$EMU_STATUS" || rc=$?
    exit "$rc"
}

# --- Bochs -----------------------------------------------------------------------
mem_mib() {
    local m=${MEM:-512M}
    [[ $m =~ ^([0-9]+)([MmGg]?)$ ]] ||
        die "MEM='$m' not understood for bochs (use e.g. 512M or 1G)"
    case ${BASH_REMATCH[2]} in
    [Gg]) echo $((BASH_REMATCH[1] * 1024)) ;;
    *) echo "${BASH_REMATCH[1]}" ;;
    esac
}

# The bochsrc asks for no host device (tests/check_bochsrc.py holds it to
# that). Bochs loads the speaker, game port and parallel port plugins by
# default: the speaker's default mode=sound opens the host's default sound
# driver (ALSA on Debian; with no default PCM, Bochs 2.7 then overflows a
# buffer and aborts, status 134, under a UTF-8 locale such as C.UTF-8; under
# LC_ALL=C it logs the failure and goes on), the game port opens
# /dev/input/js0. The kernel uses none of them (the PIT's port 0x61 gate is
# the PIT's own), so they are unloaded or off, and every sound driver is the
# dummy in case a sound device is ever added. Kept: COM1 (a file), COM2
# (null), the ATA CD-ROM, PCI, the APICs and port 0xe9.
write_bochsrc() {
    local dir=$1 mib
    mib=$(mem_mib)
    cat >"$dir/bochsrc" <<EOF
plugin_ctrl: gameport=0, parallel=0
cpu: model=corei7_skylake_x, count=${SMP:-1}, ips=100000000, reset_on_triple_fault=0
memory: guest=$mib, host=$mib
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path="$ISO", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$dir/serial.log"
com2: enabled=1, mode=null
display_library: rfb, options="timeout=0"
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
clock: sync=none, time0=946684800
port_e9_hack: enabled=1
log: "$dir/bochs.log"
panic: action=fatal
error: action=report
EOF
    printf 'c\nquit\n' >"$dir/rc"
}

# make_run_dir WHO: sets TMPDIR_RUN to a new directory for one run's files
# (Bochs' bochsrc and log, OVMF's variable store): in ${TMPDIR:-/tmp}, or
# in build/tmp when that is not writable (a read-only /tmp, a TMPDIR that
# names a directory one may not write).  on_exit removes it.
make_run_dir() {
    local who=$1 tmp=${TMPDIR:-/tmp} fallback=$ROOT/build/tmp
    TMPDIR_RUN=$(mktemp -d "$tmp/slotgate-$who.XXXXXX" 2>/dev/null) && return 0
    say "$who: cannot create a directory in $tmp; using $fallback"
    if ! mkdir -p "$fallback" ||
        ! TMPDIR_RUN=$(mktemp -d "$fallback/slotgate-$who.XXXXXX"); then
        die "$who: cannot create a directory in $fallback either"
    fi
}

# Prints the prefix that puts Bochs into its own network namespace: unshare
# -n as root, -rn (a user namespace) unprivileged. Where neither works (no
# unshare, user namespaces off, a container's seccomp), Bochs runs without,
# and its VNC display listens on a host port while it runs.
netns_prefix() {
    if unshare -n true 2>/dev/null; then
        echo "unshare -n"
    elif unshare -rn true 2>/dev/null; then
        echo "unshare -rn"
    else
        say "bochs: no network namespace (unshare -n and -rn failed): its VNC" \
            "display listens on a TCP port in 5900-5949 of this host while it runs"
    fi
}

bochs_tail() { tail -n 15 "$1/bochs.out" | sed 's/^/slotgate: | /' >&2 || true; }

# Status from the last "slotgate: exit N" line of the serial log, or 2 when
# Bochs died of a signal.
bochs_status() {
    local dir=$1 last how
    # keep our messages off a half-written guest line
    if [[ -s $dir/serial.log && $(tail -c 1 "$dir/serial.log") != "" ]]; then echo; fi
    if how=$(emu_died "$EMU_STATUS"); then
        say "bochs $how; end of bochs output:"
        bochs_tail "$dir"
        return 2
    fi
    last=$(grep -a 'slotgate: exit ' "$dir/serial.log" | tail -n 1 | tr -d '\r') || true
    if [[ $last =~ slotgate:\ exit\ (-?[0-9]+)$ ]]; then
        [[ ${BASH_REMATCH[1]} == 0 ]] && return 0
        say "bochs: kernel reported exit ${BASH_REMATCH[1]}"
    else
        say "bochs: no 'slotgate: exit N' line on serial (status $EMU_STATUS); end of bochs output:"
        bochs_tail "$dir"
    fi
    return 1
}

run_bochs() {
    local -a prefix
    if [[ ${GDB:-0} == 1 ]]; then say "GDB=1 is not supported under bochs; ignored"; fi
    make_run_dir bochs
    write_bochsrc "$TMPDIR_RUN"
    : >"$TMPDIR_RUN/serial.log"
    read -r -a prefix <<<"$(netns_prefix)"
    (cd "$TMPDIR_RUN" && exec "${EMU_ENV[@]}" "${prefix[@]}" \
        bochs -q -f bochsrc -rc rc </dev/null >bochs.out 2>&1) &
    EMU_PID=$!
    tail -n +1 -s 0.2 --pid="$EMU_PID" -f "$TMPDIR_RUN/serial.log" &
    TAIL_PID=$!
    wait_emu
    wait "$TAIL_PID" || true
    TAIL_PID=
    local rc=0
    bochs_status "$TMPDIR_RUN" || rc=$?
    exit "$rc"
}

main() {
    parse_args "$@"
    if [[ -n $BOCHSRC_ONLY ]]; then
        [[ -z ${KERNEL:-} ]] || die "--bochsrc-only: KERNEL= boots under QEMU only"
        write_bochsrc "$BOCHSRC_ONLY"
        exit 0
    fi
    pick_accel
    say "accel=$ACCEL_NAME ($ACCEL_WHY)"
    say "cpus=${SMP:-1}"
    say "firmware=${FIRMWARE:-bios}"
    if [[ $ACCEL_NAME == kvm ]]; then warn_paravirt_kvm; fi
    if [[ $ACCEL_NAME == bochs ]]; then
        [[ -z ${KERNEL:-} ]] || die "KERNEL= boots under QEMU only, not ACCEL=bochs"
        [[ ${FIRMWARE:-bios} == bios ]] || die "FIRMWARE=${FIRMWARE}: QEMU only, not ACCEL=bochs"
        run_bochs
    else
        run_qemu
    fi
}

main "$@"
