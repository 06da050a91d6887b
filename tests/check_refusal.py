#!/usr/bin/env python3
"""check_refusal.py - a kernel on a CPU without what it needs stops at boot.

    python3 tests/check_refusal.py PCID_ISO INVPCID_ISO RELOAD_ISO

QEMU's TCG has neither PCID nor INVPCID: each PCID ISO must stop with its
clear message and a failure status, not hang and not run on.  Every build
needs NX (boot/boot.asm): the reload ISO on a CPU with NX switched off
(-cpu max,nx=off) must say so the same way.  KTAP out.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (name, message, extra QEMU arguments)
CASES = [("pcid_kernel_refuses_cpu_without_it", "FLUSH=pcid needs a CPU with PCID", ""),
         ("invpcid_kernel_refuses_cpu_without_it",
          "FLUSH=invpcid needs a CPU with PCID and INVPCID", ""),
         ("kernel_refuses_cpu_without_nx",
          "this CPU has no NX (Execute Disable); Slotgate needs it", "-cpu max,nx=off")]


def main():
    print("KTAP version 1")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, ((name, message, extra), iso) in enumerate(zip(CASES, sys.argv[1:4]), 1):
        proc = subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"),
                               "--timeout", "120", iso],
                              env=dict(os.environ, ACCEL="tcg", QEMU_EXTRA=extra),
                              capture_output=True, text=True, errors="replace")
        # The kernel's panic line says "PANIC"; quote it without the word so
        # the runner does not take this suite for a panicking kernel.
        ok = message in proc.stdout and proc.returncode == 1
        failed += not ok
        print(f"    # status {proc.returncode}, message found: {message in proc.stdout}")
        print(f"{'ok' if ok else 'not ok'} {n} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
