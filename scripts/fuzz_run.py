#!/usr/bin/env python3
"""Run the libFuzzer targets one after another and sum them up.

    scripts/fuzz_run.py [--runs N] [--seed S] [--ktap] --out DIR FUZZER...

Each FUZZER is a binary build/fuzz/fuzz_NAME; it runs for N executions
(-runs=N) over a working corpus DIR/corpus_NAME (made empty first with
--fresh) and the seeds in tests/host/fuzz/corpus/NAME, its log in
DIR/NAME.log and any crash as DIR/crash-NAME-*.  libFuzzer stops at the
first crash, so a target shows 0 or 1 crash (the input is kept).

Without --ktap it prints one line per target as it ends and a table at
the end (target, seed, executions, cov, ft, corpus, exec/s, crashes); with
--ktap it speaks KTAP for tests/ktap_runner.py (`ok N fuzz_NAME`, the
figures as a `#` line).  Exit status 0 iff no target crashed and every
one ran its executions.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

DONE_RE = re.compile(r"^#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
LAST_RE = re.compile(r"^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
STAT_RE = re.compile(r"^stat::(\w+):\s+(\d+)")
SEED_RE = re.compile(r"INFO: Seed: (\d+)")
CRASH_RE = re.compile(r"ERROR: libFuzzer: |ERROR: AddressSanitizer|runtime error:"
                      r"|invariant violated")
ARTIFACT_RE = re.compile(r"Test unit written to (\S+)")


def parse(log):
    """The figures of one libFuzzer log (pure)."""
    res = {"runs": 0, "cov": 0, "ft": 0, "corpus": 0, "seed": "?",
           "exec_s": 0, "crashes": 0, "artifacts": [], "first_error": ""}
    for line in log.splitlines():
        m = DONE_RE.match(line) or LAST_RE.match(line)
        if m:
            res["runs"] = max(res["runs"], int(m.group(1)))
            res["cov"], res["ft"], res["corpus"] = (int(m.group(2)), int(m.group(3)),
                                                    int(m.group(4)))
        m = STAT_RE.match(line)
        if m and m.group(1) == "number_of_executed_units":
            res["runs"] = int(m.group(2))
        if m and m.group(1) == "average_exec_per_sec":
            res["exec_s"] = int(m.group(2))
        m = SEED_RE.search(line)
        if m:
            res["seed"] = m.group(1)
        if CRASH_RE.search(line) and not res["first_error"]:
            res["first_error"] = line.strip()[:160]
        m = ARTIFACT_RE.search(line)
        if m:
            res["artifacts"].append(m.group(1))
    res["crashes"] = len(res["artifacts"]) or (1 if res["first_error"] else 0)
    return res


def run_one(fuzzer, out, runs, seed, fresh):
    name = os.path.basename(fuzzer).removeprefix("fuzz_")
    work = os.path.join(out, "corpus_" + name)
    if fresh and os.path.isdir(work):
        shutil.rmtree(work)
    os.makedirs(work, exist_ok=True)
    seeds = os.path.join("tests", "host", "fuzz", "corpus", name)
    cmd = [fuzzer, f"-runs={runs}", "-print_final_stats=1",
           f"-artifact_prefix={os.path.join(out, 'crash-' + name + '-')}", work]
    if seed is not None:
        cmd.insert(1, f"-seed={seed}")
    if os.path.isdir(seeds):
        cmd.append(seeds)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace", check=False)
    secs = time.monotonic() - start
    with open(os.path.join(out, name + ".log"), "w") as f:
        f.write(" ".join(cmd) + "\n" + proc.stdout)
    res = parse(proc.stdout)
    res.update(name=name, status=proc.returncode, seconds=secs, wanted=runs)
    if proc.returncode and not res["crashes"]:
        res["crashes"] = 1
        res["first_error"] = res["first_error"] or f"exit status {proc.returncode}"
    return res


def ok(res):
    return res["crashes"] == 0 and res["status"] == 0 and res["runs"] >= res["wanted"]


def table(results):
    head = ("target", "seed", "executions", "cov", "ft", "corpus", "exec/s",
            "seconds", "crashes")
    rows = [head] + [(r["name"], r["seed"], str(r["runs"]), str(r["cov"]), str(r["ft"]),
                      str(r["corpus"]), str(r["exec_s"]), f"{r['seconds']:.0f}",
                      str(r["crashes"])) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fresh", action="store_true",
                    help="start from an empty working corpus (reproducible)")
    ap.add_argument("--ktap", action="store_true")
    ap.add_argument("fuzzers", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.ktap:
        print("KTAP version 1", flush=True)
        print(f"1..{len(args.fuzzers)}", flush=True)
    results = []
    for i, fz in enumerate(args.fuzzers, 1):
        r = run_one(fz, args.out, args.runs, args.seed, args.fresh)
        results.append(r)
        figures = (f"{r['runs']} executions, cov {r['cov']}, ft {r['ft']}, "
                   f"{r['crashes']} crashes, seed {r['seed']}, {r['seconds']:.1f} s")
        if args.ktap:
            print(f"    # {figures}")
            if r["first_error"]:
                print(f"    # {r['first_error']}  (log: {args.out}/{r['name']}.log)")
            print(f"{'ok' if ok(r) else 'not ok'} {i} fuzz_{r['name']}", flush=True)
        else:
            print(f"fuzz_{r['name']}: {figures}"
                  + (f" - {r['first_error']}" if r["first_error"] else ""), flush=True)
    if not args.ktap:
        print()
        print(table(results))
        bad = [r["name"] for r in results if not ok(r)]
        print(f"\n{len(results) - len(bad)} targets clean, {len(bad)} failed"
              + (": " + ", ".join(bad) if bad else ""))
    return 0 if all(ok(r) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
