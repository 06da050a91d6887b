#!/usr/bin/env python3
"""check_repeat.py - two icount runs of a bench ISO count the same.

    python3 tests/check_repeat.py ISO

Boots ISO twice under ACCEL=icount (TCG with -icount shift=0, where the
guest's TSC counts retired instructions) and compares every row the two
runs print: median, p10, p90, min, max and the kernel's counters must be
equal, which is what lets docs/results.md call the figures exact and lets
tests/budgets.json hold them.  KTAP, one case per bench (roundtrip,
working-set, ...): `repeat_<bench>`.  Counts, not time.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ("median", "p10", "p90", "min", "max", "n", "cr3_writes", "invlpgs",
          "invpcids", "pml4e_writes")


def run(iso):
    proc = subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"), "--timeout",
                           "300", iso], env=dict(os.environ, ACCEL="icount"),
                          capture_output=True, text=True, errors="replace")
    rows = {}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH {"):
            r = json.loads(line[len("BENCH "):])
            key = (r["bench"], r["mechanism"], r["param"])
            rows[key] = tuple(r.get(k) for k in FIELDS)
    return proc.returncode, rows


def main():
    iso = sys.argv[1]
    # Side by side: the instruction clock does not care what the host does.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        (rc1, a), (rc2, b) = pool.map(run, [iso, iso])
    benches = sorted({k[0] for k in a} | {k[0] for k in b})
    print("KTAP version 1")
    print(f"1..{len(benches) + 1}")
    ok_boot = rc1 == 0 and rc2 == 0 and a
    print(f"    # boots: status {rc1} and {rc2}, {len(a)} and {len(b)} rows")
    print(f"{'ok' if ok_boot else 'not ok'} 1 repeat_boots")
    failed = not ok_boot
    for n, bench in enumerate(benches, 2):
        keys = sorted(k for k in set(a) | set(b) if k[0] == bench)
        differ = [k for k in keys if a.get(k) != b.get(k)]
        for k in differ[:5]:
            print(f"    # {k}: {a.get(k)} vs {b.get(k)}")
        print(f"    # {bench}: {len(keys)} rows, {len(differ)} differ")
        failed += bool(differ)
        print(f"{'ok' if not differ else 'not ok'} {n} repeat_{bench.replace('-', '_')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
