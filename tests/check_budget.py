#!/usr/bin/env python3
"""check_budget.py - hold the hot paths to their instruction budgets.

    python3 tests/check_budget.py FLUSH ISO

Boots the bench ISO of one flush strategy under ACCEL=icount, where the
guest's TSC counts retired instructions exactly (the same on every run and
machine), and checks each row's median against tests/budgets.json.  Prints
KTAP, one case per budgeted row: `budget_<flush>_<row>`.  Counts, not time.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def boot_icount(iso):
    """Boot a bench ISO under ACCEL=icount: (exit status, its BENCH rows).
    Also used by check_repeat.py."""
    proc = subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"), "--timeout",
                           "300", iso], env=dict(os.environ, ACCEL="icount"),
                          capture_output=True, text=True, errors="replace")
    rows = [json.loads(line[len("BENCH "):]) for line in proc.stdout.splitlines()
            if line.startswith("BENCH {")]
    return proc.returncode, rows


def main():
    flush, iso = sys.argv[1], sys.argv[2]
    with open(os.path.join(ROOT, "tests", "budgets.json")) as f:
        budgets = json.load(f)[flush]
    returncode, all_rows = boot_icount(iso)
    rows = {r["mechanism"]: r["median"] for r in all_rows
            if r.get("bench") == "roundtrip"}
    print("KTAP version 1")
    print(f"1..{len(budgets)}")
    failed = 0
    for n, (row, budget) in enumerate(sorted(budgets.items()), 1):
        got = rows.get(row)
        ok = got is not None and got <= budget
        failed += not ok
        print(f"    # {row}: {got} instructions, budget {budget}")
        print(f"{'ok' if ok else 'not ok'} {n} budget_{flush}_{row.replace('-', '_')}")
    if returncode != 0:
        print(f"    # the icount boot failed with status {returncode}")
    return 1 if failed or returncode else 0


if __name__ == "__main__":
    sys.exit(main())
