#!/bin/bash
# scripts/linux_peer.sh - the "Linux peer" rows: Debian's own kernel booted
# in the same QEMU, accelerator and CPU as Slotgate (scripts/qemu.sh with
# KERNEL=/INITRD=/APPEND=), its initramfs holding one static program,
# bench/linux/peer.c, as /init.
#
#   scripts/linux_peer.sh [ACCEL]      (default: $ACCEL, else auto)
#
# Prints the guest's serial output (BENCH_ENV, BENCH, BENCH_DONE lines as the
# kernel prints them) on stdout, also kept in $OUT/serial-ACCEL.log.  Exit 0
# when QEMU exited 0 (the guest powered off) and BENCH_DONE reports no error;
# 1 when the run failed; 2 when something is missing (kernel, cpio).
# Environment: LINUX_KERNEL=/boot/vmlinuz-... (default: the newest one, from
# package linux-image-amd64), LINUX_APPEND="extra kernel args" (for example
# mitigations=off), OUT=build/linux, TIMEOUT=600 (seconds).
# Under ACCEL=bochs there is nothing to do: skipped, exit 0.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ACCEL=${1:-${ACCEL:-auto}}
OUT=${OUT:-$ROOT/build/linux}

say() { printf 'linux_peer: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 2
}

if [[ $ACCEL == bochs ]]; then
    say "skipped: the Linux peer runs under QEMU only (no Bochs row)"
    exit 0
fi

# Debian's kernel: the newest /boot/vmlinuz-* unless LINUX_KERNEL says.
KERNEL=${LINUX_KERNEL:-$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null |
    sort -V | tail -n 1)}
[[ -n $KERNEL && -r $KERNEL ]] ||
    die "no readable /boot/vmlinuz-*: apt-get install linux-image-amd64"
command -v cpio >/dev/null || die "cpio not found: apt-get install cpio"

# The initramfs: a newc archive of one file, /init (root-owned, 0755).
mkdir -p "$OUT/root"
gcc -std=c11 -O2 -static -Wall -Wextra -Werror \
    -o "$OUT/root/init" "$ROOT/bench/linux/peer.c"
(cd "$OUT/root" && echo init |
    cpio -o -H newc -R 0:0 --reproducible --quiet) >"$OUT/initramfs.cpio"

LOG=$OUT/serial-$ACCEL.log
say "kernel $KERNEL, accel $ACCEL, log $LOG"
start=$SECONDS
# quiet: little kernel output over the slow emulated UART; panic=-1: a
# panic reboots, which -no-reboot turns into QEMU's exit (no BENCH_DONE).
status=0
KERNEL=$KERNEL INITRD=$OUT/initramfs.cpio ACCEL=$ACCEL MEM=${MEM:-512M} \
    APPEND="console=ttyS0 quiet panic=-1${LINUX_APPEND:+ $LINUX_APPEND}" \
    "$ROOT/scripts/qemu.sh" --timeout "${TIMEOUT:-600}" | tr -d '\r' | tee "$LOG" ||
    status=$?
say "QEMU status $status after $((SECONDS - start)) s"
((status == 0)) || exit 1
if ! grep -q '^BENCH_DONE {"error":0,"exit":0}' "$LOG"; then
    say "no 'BENCH_DONE {\"error\":0,\"exit\":0}' line in $LOG"
    exit 1
fi
