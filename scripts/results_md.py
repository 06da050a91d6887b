#!/usr/bin/env python3
"""results_md.py - the tables of docs/results.md, made from results.json.

    python3 scripts/results_md.py [build/bench/results.json] > tables.md

Prints markdown tables (round trips per accelerator, and the sweeps) so
the committed reference run is generated from measurements, never typed.
"""
import json
import sys

ORDER = ["call", "syscall", "linux-getpid", "ipc", "trusted", "cr3", "cr3-pcid",
         "slot-reload", "slot-invlpg", "slot-pcid", "slot-invpcid", "linux-pipe"]


def work(r):
    n = r.get("counters_per") or 0
    if not n:
        return "-"
    parts = [f"{r[k] / n:.0f} {label}" for k, label in
             (("cr3_writes", "CR3"), ("invlpgs", "INVLPG"), ("invpcids", "INVPCID"),
              ("pml4e_writes", "PML4E")) if round(r.get(k, 0) / n)]
    return ", ".join(parts) or "-"


def roundtrips(results, accel):
    rows = [r for r in results if r["accel"] == accel and r["bench"] == "roundtrip"
            and r["mechanism"] in ORDER]
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: ORDER.index(r["mechanism"])):
        if r["mechanism"] in seen:
            continue
        seen.add(r["mechanism"])
        out.append(r)
    base = {r["mechanism"]: r["median"] for r in out}
    sys_ = base.get("syscall")
    print(f"| mechanism ({accel}) | {out[0]['unit']} | p10 / p90 | / syscall | kernel work per round trip |")
    print("|---|---|---|---|---|")
    for r in out:
        ratio = f"{r['median'] / sys_:.2f}" if sys_ else "-"
        print(f"| `{r['mechanism']}` | {r['median']} | {r['p10']} / {r['p90']} | {ratio} | {work(r)} |")
    print()


def sweep(results, accel, bench, label):
    rows = [r for r in results if r["accel"] == accel and r["bench"] == bench]
    if not rows:
        return
    mechs = sorted({r["mechanism"] for r in rows})
    params = sorted({r["param"] for r in rows})
    cell = {(r["mechanism"], r["param"]): r for r in rows}
    print(f"| {label} ({accel}) | " + " | ".join(mechs) + " |")
    print("|---" * (len(mechs) + 1) + "|")
    for p in params:
        vals = []
        for m in mechs:
            r = cell.get((m, p))
            vals.append(f"{r['median']}" + (f" ({work(r)})" if r and bench == "working-set" else "")
                        if r else "-")
        print(f"| {p} | " + " | ".join(vals) + " |")
    print()


def buffers(results, accel):
    rows = [r for r in results if r["accel"] == accel and r["bench"].startswith("buf_in")]
    if not rows:
        return
    for mech in sorted({r["mechanism"] for r in rows}):
        cell = {(r["bench"], r["param"]): r["median"] for r in rows if r["mechanism"] == mech}
        print(f"| bytes ({mech}, {accel}) | mapped | copied |")
        print("|---|---|---|")
        for p in sorted({k[1] for k in cell}):
            print(f"| {p} | {cell.get(('buf_in-map', p), '-')} | {cell.get(('buf_in-copy', p), '-')} |")
        print()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/bench/results.json"
    results = json.load(open(path))["results"]
    for accel in [a for a in ("icount", "bochs", "kvm", "tcg") if any(r["accel"] == a for r in results)]:
        print(f"### {accel}\n")
        roundtrips(results, accel)
        sweep(results, accel, "working-set", "W")
        buffers(results, accel)
        sweep(results, accel, "nesting", "gates nested")
        sweep(results, accel, "drivers", "drivers in rotation")
        sweep(results, accel, "ramfs-file", "file bytes")


if __name__ == "__main__":
    main()
