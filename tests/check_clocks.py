#!/usr/bin/env python3
"""check_clocks.py - the kernel's clocks on a machine without an 8254 PIT.

    python3 tests/check_clocks.py ISO

Boots the test ISO twice under QEMU TCG:

1. `-machine pit=off` (q35: no 8254, port 0x61 reads 0xff, so a wait on
   PIT channel 2 would end at once): the TSC rate must come from the ACPI
   PM timer the FADT names, the LAPIC timer be measured against it, and
   the whole kernel suite pass;
2. `-machine pc,pit=off,acpi=off` (no PIT and no FADT, so no clock at
   all under TCG, whose CPUID has neither leaf 0x15 nor a hypervisor
   timing leaf): the kernel must stop at once with its message naming
   the missing clocks - not hang, not run on a default.

Prints KTAP; each boot's serial log goes to build/test/clocks-*.log and
only a few of its lines are echoed (made harmless to the runner, which
reads `slotgate: exit` and PANIC lines).  Debian 12's python3, no extras.
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_SH = os.path.join(ROOT, "scripts", "qemu.sh")
LOGDIR = os.path.join(ROOT, "build", "test")
STOP_SECONDS = 30  # the refusing boot must end well within this

NO_CLOCK_MSG = "no clock gives the TSC rate"


def boot(name, extra, timeout):
    env = dict(os.environ, ACCEL="tcg", SMP="1", QEMU_EXTRA=extra)
    start = time.monotonic()
    p = subprocess.run([QEMU_SH, "--timeout", str(timeout), sys.argv[1]],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=env, text=True, errors="replace")
    took = time.monotonic() - start
    os.makedirs(LOGDIR, exist_ok=True)
    with open(os.path.join(LOGDIR, f"clocks-{name}.log"), "w") as f:
        f.write(p.stdout)
    return p.returncode, p.stdout, took


def echo(text, pattern):
    for line in text.splitlines():
        if re.search(pattern, line):
            line = line.replace("PANIC", "(panic)").replace("slotgate:", "kernel:")
            print("# " + line)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cases = []

    rc, out, took = boot("nopit", "-machine pit=off", 240)
    echo(out, r"^(cpu: tsc|lapic:)")
    plan = re.search(r"^1\.\.(\d+)", out, re.M)
    oks = len(re.findall(r"^ok \d+", out, re.M))
    nots = len(re.findall(r"^not ok \d+", out, re.M))
    cases.append(("nopit_tsc_from_pm_timer",
                  "(from acpi-pm-timer)" in out and "tsc rate from pit failed" in out,
                  "the PIT fails its bounded wait, the PM timer gives the rate"))
    cases.append(("nopit_suite_passes",
                  rc == 0 and plan is not None and oks == int(plan.group(1)) and nots == 0,
                  f"status {rc}, {oks} ok, {nots} not ok of {plan.group(1) if plan else '?'}, {took:.0f} s"))

    rc, out, took = boot("noclock", "-machine pc,pit=off,acpi=off", STOP_SECONDS + 30)
    echo(out, NO_CLOCK_MSG)
    cases.append(("noclock_stops_with_message",
                  rc == 1 and NO_CLOCK_MSG in out and "KTAP version" not in out
                  and took < STOP_SECONDS,
                  f"status {rc} after {took:.0f} s"))

    print("KTAP version 1")
    print(f"1..{len(cases)}")
    for i, (name, ok, why) in enumerate(cases, 1):
        print(f"{'' if ok else 'not '}ok {i} {name} # {why}")
    return 0 if all(ok for _, ok, _ in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
