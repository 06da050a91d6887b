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
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_budget  # noqa: E402  (same directory: the icount boot)

FIELDS = ("median", "p10", "p90", "min", "max", "n", "cr3_writes", "invlpgs",
          "invpcids", "pml4e_writes")


def run(iso):
    returncode, rows = check_budget.boot_icount(iso)
    return returncode, {(r["bench"], r["mechanism"], r["param"]):
                        tuple(r.get(k) for k in FIELDS) for r in rows}


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
