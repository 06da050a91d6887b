#!/usr/bin/env python3
"""check_tlbsim.py - the refill side, held to committed counts (issue 12).

    python3 tests/check_tlbsim.py TLBSIM

Traces rows of the bench ISOs under Bochs (scripts/bochs_trace.py), feeds
each trace to the TLB simulator TLBSIM (bench/tlbsim, make tlbsim) on
every preset, and compares the misses per round trip with
tests/tlbsim_expected.json: exact, the trace being deterministic, so a
change that alters what the flush strategies throw away is seen the day
it lands.  The rows are sanity rows whose misses can be worked out by
hand (docs/tlb-simulation.md): `reload slot` re-walks the two pages each
side touches after each CR3 reload (its code and its stack: 2 caller, 2
driver walks), the kernel's pages are global and survive; `pcid slot`
and `reload trusted` throw nothing away.  Prints KTAP.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ("instructions", "fetch_walks", "data_walks", "walk_refs",
          "walks_caller", "walks_callee", "walks_kernel", "cr3_writes", "cr3_noflush",
          "invlpgs")


def trace(flush, row, trips=6):
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bochs_trace.py"),
                        "--flush", flush, "--row", row, "--trips", str(trips)],
                       capture_output=True, text=True, timeout=600)
    if p.returncode:
        raise RuntimeError(f"bochs_trace.py {flush} {row} failed ({p.returncode}): "
                           + p.stderr[-500:])
    return p.stdout


def simulate(tlbsim, preset, events):
    p = subprocess.run([tlbsim, "--preset", preset], input=events,
                       capture_output=True, text=True, timeout=300)
    if p.returncode:
        raise RuntimeError(f"tlbsim failed: {p.stderr[-500:]}")
    return json.loads(p.stdout)


def main():
    tlbsim = sys.argv[1]
    with open(os.path.join(ROOT, "tests", "tlbsim_expected.json")) as f:
        expected = json.load(f)["rows"]
    cases = [(row, preset) for row in expected for preset in expected[row]]
    print("KTAP version 1")
    print(f"1..{len(cases)}")
    failed, traces = 0, {}
    for n, (row, preset) in enumerate(cases, 1):
        flush, name = row.split()
        ok = True
        try:
            if row not in traces:
                traces[row] = trace(flush, name)
            got = simulate(tlbsim, preset, traces[row])
            want = expected[row][preset]
            for k in FIELDS:
                if got.get(k) != want.get(k):
                    ok = False
                    print(f"    # {row} on {preset}: {k} {got.get(k)}, expected {want.get(k)}")
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
            ok = False
            print(f"    # {row} on {preset}: {e}")
        failed += not ok
        label = f"tlbsim_{flush}_{name}_{preset}"
        print(f"{'ok' if ok else 'not ok'} {n} {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
