#!/bin/sh
# install-deps.sh - everything Slotgate needs on a fresh Debian 12, as root.
# Toolchain, GRUB (BIOS and UEFI: grub-mkrescue makes the hybrid ISO from
# both) for the ISOs, QEMU with OVMF (UEFI firmware, for the UEFI boots of
# make check), Bochs with its BIOS images,
# python3 for the test runner and the benchmark table, gnuplot for the
# plots, and Debian's own Linux kernel (+ cpio, static libc) for the Linux
# peer rows of the benchmark; gdb for make debug and scripts/gate_profile.py;
# clang with its sanitizer/libFuzzer runtime for make fuzz.
#
# Packages are installed without recommendations, so everything used is
# named here even when something else merely suggests or recommends it:
# xorriso and mtools (grub-mkrescue only suggests them), bochsbios and
# vgabios (the ROM images the bochsrc names; bochs would do with seabios),
# libclang-rt-dev (libFuzzer; clang only recommends it).  Not needed:
# qemu-system-gui (runs use -display none), a Bochs GUI package (bochs
# pulls bochs-wx by its own dependency; runs use rfb, in bochs itself) and
# any sound package (the generated bochsrc uses dummy sound drivers).
set -eu

PACKAGES="make gcc binutils nasm grub-pc-bin grub-efi-amd64-bin grub-common
xorriso mtools qemu-system-x86 ovmf bochs bochsbios vgabios python3 git util-linux gnuplot-nox
linux-image-amd64 cpio libc6-dev gdb clang libclang-rt-dev"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PACKAGES
