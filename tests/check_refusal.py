#!/usr/bin/env python3
"""check_refusal.py - a PCID kernel on a CPU without PCID stops at boot.

    python3 tests/check_refusal.py PCID_ISO INVPCID_ISO

QEMU's TCG has neither PCID nor INVPCID.  Each ISO must stop with its
clear message and a failure status, not hang and not run on.  KTAP out.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [("pcid", "FLUSH=pcid needs a CPU with PCID"),
         ("invpcid", "FLUSH=invpcid needs a CPU with PCID and INVPCID")]


def main():
    print("KTAP version 1")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, ((flush, message), iso) in enumerate(zip(CASES, sys.argv[1:3]), 1):
        proc = subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"),
                               "--timeout", "120", iso],
                              env=dict(os.environ, ACCEL="tcg"),
                              capture_output=True, text=True, errors="replace")
        # The kernel's panic line says "PANIC"; quote it without the word so
        # the runner does not take this suite for a panicking kernel.
        ok = message in proc.stdout and proc.returncode == 1
        failed += not ok
        print(f"    # status {proc.returncode}, message found: {message in proc.stdout}")
        print(f"{'ok' if ok else 'not ok'} {n} {flush}_kernel_refuses_cpu_without_it")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
