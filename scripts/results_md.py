#!/usr/bin/env python3
"""results_md.py - the tables of docs/results.md, made from results.json.

    python3 scripts/results_md.py [build/bench/results.json] > tables.md

Prints markdown, one section per accelerator: the round trips, then every
sweep as a table (working set, each pointer class by size, nesting,
drivers in rotation, ramfs file size, and any bench it does not know),
then the plots scripts/plot.py makes from the same file, as images at
results/NAME.png (docs/results.md embeds them from docs/results/, where
the PNGs are copied from build/bench/).  The committed reference run is
thus generated from measurements, never typed.  A row measured by several
builds counts once, the first, as in bench.py's table.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402  (same directory: plot names, order, row selection)

SWEEP_LABELS = {"working-set": "W", "nesting": "gates nested",
                "drivers": "drivers in rotation", "ramfs-file": "file bytes",
                "cpus-shared": "CPUs, one shared driver",
                "cpus-private": "CPUs, a driver each",
                "unmap-shown": "CPUs showing the view"}
# Benches whose table shows the kernel work beside each figure.
WITH_WORK = ("working-set", "cpus-shared", "cpus-private", "unmap-shown")


def work(r):
    n = r.get("counters_per") or 0
    if not n:
        return "-"
    parts = [f"{r.get(k, 0) / n:.0f} {label}" for k, label in
             (("cr3_writes", "CR3"), ("invlpgs", "INVLPG"), ("invpcids", "INVPCID"),
              ("pml4e_writes", "PML4E"), ("fastpath", "fast path"),
              ("shootdown_ipis", "shootdown IPI"), ("lazy_invalidations", "lazy"))
             if round(r.get(k, 0) / n)]
    if r.get("bkl_contended"):
        parts.append(f"lock contended {r['bkl_contended']}x in all")
    return ", ".join(parts) or "-"


def roundtrips(rows, accel):
    out = sorted((r for r in rows if r["bench"] == "roundtrip"
                  and r["mechanism"] != "timer"),
                 key=lambda r: plot.mech_key(r["mechanism"]))
    if not out:
        return
    sys_ = next((r["median"] for r in out if r["mechanism"] == "syscall"), None)
    print(f"| mechanism ({accel}) | {out[0].get('unit', '?')} | p10 / p90 | / syscall "
          "| kernel work per round trip |")
    print("|---|---|---|---|---|")
    for r in out:
        ratio = f"{r['median'] / sys_:.2f}" if sys_ else "-"
        print(f"| `{r['mechanism']}` | {r['median']} | {r.get('p10', '-')} / "
              f"{r.get('p90', '-')} | {ratio} | {work(r)} |")
    print()


def sweep(rows, accel, bench, label):
    rows = [r for r in rows if r["bench"] == bench]
    if not rows:
        return
    mechs = sorted({r["mechanism"] for r in rows}, key=plot.mech_key)
    cell = {(r["mechanism"], r["param"]): r for r in rows}
    print(f"| {label} ({accel}) | " + " | ".join(mechs) + " |")
    print("|---" * (len(mechs) + 1) + "|")
    for p in sorted({r["param"] for r in rows}):
        vals = []
        for m in mechs:
            r = cell.get((m, p))
            vals.append(f"{r['median']}" + (f" ({work(r)})" if bench in WITH_WORK else "")
                        if r else "-")
        print(f"| {p} | " + " | ".join(vals) + " |")
    print()


def buffers(rows, accel, cls):
    """One pointer class by size: mapped and copied, a pair per mechanism."""
    cell = {}
    for r in rows:
        m = plot.BUFFER.match(r["bench"])
        if m and m.group("cls") == cls:
            cell[(r["mechanism"], m.group("how"), r["param"])] = r["median"]
    mechs = sorted({k[0] for k in cell}, key=plot.mech_key)
    print(f"| bytes ({cls}, {accel}) | "
          + " | ".join(f"{m} {h}" for m in mechs for h in ("mapped", "copied")) + " |")
    print("|---" * (2 * len(mechs) + 1) + "|")
    for p in sorted({k[2] for k in cell}):
        print(f"| {p} | " + " | ".join(str(cell.get((m, h, p), "-")) for m in mechs
                                       for h in ("map", "copy")) + " |")
    print()


def images(plans, accel):
    mine = [p for p in plans if p["accel"] == accel]
    if not mine:
        return
    print(f"<!-- plots ({accel}) by scripts/plot.py: copy build/bench/NAME.png "
          "to docs/results/ -->\n")
    for p in mine:
        print(f"![{p['title']}](results/{p['name']}.png)\n")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/bench/results.json"
    with open(path) as f:
        raw = json.load(f)["results"]
    results = plot.unique(raw)
    plans = plot.plans(raw)
    for accel in plot.accel_order(results):
        rows = [r for r in results if r["accel"] == accel]
        print(f"### {accel}\n")
        if accel == "tcg":
            print("Under TCG a cycle is emulated time: these figures say nothing "
                  "about hardware.\n")
        roundtrips(rows, accel)
        sweep(rows, accel, "working-set", SWEEP_LABELS["working-set"])
        for cls in plot.buffer_classes(rows):
            buffers(rows, accel, cls)
        for bench in ("nesting", "drivers", "ramfs-file", "cpus-shared", "cpus-private",
                      "unmap-shown"):
            sweep(rows, accel, bench, SWEEP_LABELS[bench])
        for bench in plot.other_sweeps(rows):
            sweep(rows, accel, bench, f"{bench} param")
        images(plans, accel)


if __name__ == "__main__":
    main()
