#!/usr/bin/env python3
"""tlb_sweep.py - the refill side: TLB misses per round trip, simulated.

    python3 scripts/tlb_sweep.py [--trips K] [--ws W,W,...] [--out DIR] [--from JSON]

For each mechanism's null round trip and working-set sweep, traces the
bench row under Bochs (scripts/bochs_trace.py),
feeds the trace to the TLB simulator (build/tlbsim, make tlbsim) on every
preset, and writes DIR/tlbsim.json (one row per mechanism, bench, W and
preset), DIR/tlbsim.md (the tables for docs/results.md) and, with gnuplot,
DIR/tlb-working-set-PRESET.png (walks per round trip against W).  These
are simulated misses on an architectural trace - a model of the TLB, not
a measurement of one (docs/tlb-simulation.md) - and are kept apart from
the measured instruction counts.  make tlb-bench runs it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import cycle_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TLBSIM = os.path.join(ROOT, "build", "tlbsim")
PRESETS = ("skylake", "zen2")
# (mechanism, build, bench row) for the null round trips
NULL_ROWS = [
    ("trusted", "reload", "trusted"),
    ("cr3", "reload", "cr3"),
    ("cr3-pcid", "pcid", "cr3"),
    ("ipc", "reload", "ipc"),
    ("ipc-pcid", "pcid", "ipc"),
    ("slot-reload", "reload", "slot"),
    ("slot-invlpg", "invlpg", "slot"),
    ("slot-pcid", "pcid", "slot"),
    ("slot-invpcid", "invpcid", "slot"),
]
# (mechanism, build, bench row) for the working-set sweep
SWEEPS = [
    ("trusted", "reload", "working-set-trusted"),
    ("cr3", "reload", "working-set-cr3"),
    ("cr3-pcid", "pcid", "working-set-cr3"),
    ("ipc", "reload", "working-set-ipc"),
    ("ipc-pcid", "pcid", "working-set-ipc"),
    ("slot-reload", "reload", "working-set"),
    ("slot-invlpg", "invlpg", "working-set"),
    ("slot-pcid", "pcid", "working-set"),
    ("slot-invpcid", "invpcid", "working-set"),
]
SWEEP_MECHS = [m for m, _, _ in SWEEPS]
FIELDS = ("instructions", "fetch_walks", "data_walks", "walks", "walk_refs",
          "walks_caller", "walks_callee", "walks_kernel", "cr3_writes",
          "invlpgs", "invpcids")


def trace(path, flush, row, trips, ws=None):
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "bochs_trace.py"),
           "--flush", flush, "--row", row, "--trips", str(trips), "--out", path]
    if ws is not None:
        cmd += ["--ws", str(ws)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if p.returncode:
        sys.exit(f"tlb_sweep: {' '.join(cmd[1:])} failed:\n{p.stderr[-1500:]}")


def simulate(path, preset):
    p = subprocess.run([TLBSIM, "--preset", preset, path], capture_output=True,
                       text=True, timeout=600)
    if p.returncode:
        sys.exit(f"tlb_sweep: tlbsim failed: {p.stderr[-500:]}")
    return json.loads(p.stdout)


def run_all(args, tmp):
    rows = []
    jobs = [(m, f, r, None) for m, f, r in NULL_ROWS]
    jobs += [(m, f, r, w) for m, f, r in SWEEPS for w in args.ws]
    for mech, flush, row, ws in jobs:
        path = os.path.join(tmp, "trace")
        trace(path, flush, row, args.trips, ws)
        for preset in PRESETS:
            r = simulate(path, preset)
            r.update(mechanism=mech, flush=flush,
                     bench="roundtrip" if ws is None else "working-set",
                     param=ws or 0)
            rows.append(r)
            print(f"tlb_sweep: {mech:13} {r['bench']:11} W={r['param']:<5} {preset:8} "
                  f"walks {r['walks']:6.2f} (caller {r['walks_caller']:.2f}, callee "
                  f"{r['walks_callee']:.2f}, kernel {r['walks_kernel']:.2f}) "
                  f"refs {r['walk_refs']:.1f}", file=sys.stderr)
    return rows


def sweep_table(rows, preset, title, cell):
    """One row per W, one column per mechanism, @cell(row) in each."""
    ws = sorted({r["param"] for r in rows if r["bench"] == "working-set"})
    if not ws:
        return []
    out = ["", f"| W ({title}) | " + " | ".join(f"`{m}`" for m in SWEEP_MECHS) + " |",
           "|---|" + "---|" * len(SWEEP_MECHS)]
    for w in ws:
        cells = []
        for m in SWEEP_MECHS:
            r = next((x for x in rows if x["preset"] == preset and x["mechanism"] == m
                      and x["bench"] == "working-set" and x["param"] == w), None)
            cells.append(cell(r) if r else "-")
        out.append(f"| {w} | " + " | ".join(cells) + " |")
    return out


def tables(rows):
    out = []
    for preset in PRESETS:
        src = next(r for r in rows if r["preset"] == preset)
        out.append(f"#### {preset}\n")
        out.append(f"Geometry: {src['source']}.  {src['ps_source']}.\n")
        out.append("| mechanism | instructions | L1 misses (fetch / data) | walks (fetch / "
                   "data) | walks: caller / callee / kernel | walk memory refs | CR3 "
                   "(no flush) / INVLPG / INVPCID | **model**: cycles (TLB + flush part) |")
        out.append("|---|---|---|---|---|---|---|---|")
        for r in rows:
            if r["preset"] != preset or r["bench"] != "roundtrip":
                continue
            total, tlb = cycle_model.cycles(r)
            out.append(f"| `{r['mechanism']}` | {r['instructions']:.0f} | "
                       f"{r['fetch_l1_misses']:g} / {r['data_l1_misses']:g} | "
                       f"{r['walks']:g} ({r['fetch_walks']:g} / {r['data_walks']:g}) | "
                       f"{r['walks_caller']:g} / {r['walks_callee']:g} / "
                       f"{r['walks_kernel']:g} | {r['walk_refs']:g} | "
                       f"{r['cr3_writes']:g} ({r.get('cr3_noflush', 0):g}) / "
                       f"{r['invlpgs']:g} / {r['invpcids']:g} | {total:.0f} ({tlb:.0f}) |")
        out += sweep_table(rows, preset, "walks per round trip", lambda r: f"{r['walks']:g}")
        out += sweep_table(rows, preset, "**model**: cycles per round trip",
                           lambda r: f"{cycle_model.cycles(r)[0]:.0f}")
        out.append("")
    out.append("The cycle columns are a **model** (`scripts/cycle_model.py`), "
               "not a measurement: the simulated counts priced by these parameters, "
               "the same for both presets:\n")
    out.append(cycle_model.params_table())
    out.append("")
    return "\n".join(out)


def plot(rows, out, preset, name, value, ylabel, title):
    """@name-@preset.png: @value(row) against W, one line per mechanism."""
    dat = os.path.join(out, f"{name}-{preset}.dat")
    ws = sorted({r["param"] for r in rows if r["bench"] == "working-set"})
    with open(dat, "w") as f:
        f.write("# W " + " ".join(SWEEP_MECHS) + "\n")
        for w in ws:
            vals = []
            for m in SWEEP_MECHS:
                r = next((x for x in rows if x["preset"] == preset and x["mechanism"] == m
                          and x["bench"] == "working-set" and x["param"] == w), None)
                vals.append(f"{value(r):g}" if r else "?")
            f.write(f"{w} " + " ".join(vals) + "\n")
    png = os.path.join(out, f"{name}-{preset}.png")
    lines = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints title '{m}'"
                      for i, m in enumerate(SWEEP_MECHS))
    script = (f"set terminal png size 800,500; set output '{png}';"
              f"set title '{title} ({preset}), working set W';"
              "set xlabel 'W (pages the caller and the driver each touch)';"
              f"set ylabel '{ylabel}';"
              "set logscale x 2; set logscale y 10; set yrange [0.5:*];"
              "set key left top; set grid;"
              f"plot {lines}")
    subprocess.run(["gnuplot", "-e", script], check=True,
                   env=dict(os.environ, LC_ALL="C"))
    print(f"tlb_sweep: {png}", file=sys.stderr)


def plots(rows, out):
    if not shutil.which("gnuplot"):
        return
    for preset in PRESETS:
        plot(rows, out, preset, "tlb-working-set", lambda r: r["walks"],
             "page walks per round trip (simulated)", "Simulated page walks per round trip")
        plot(rows, out, preset, "tlb-cycles", lambda r: cycle_model.cycles(r)[0],
             "cycles per round trip (MODEL, not measured)",
             "Modelled cycles per round trip")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trips", type=int, default=6)
    ap.add_argument("--ws", default="1,4,16,64,256,512,1024")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--from", dest="from_json", metavar="TLBSIM_JSON",
                    help="no tracing: tables and plots from a tlbsim.json")
    args = ap.parse_args()
    args.ws = [int(w) for w in args.ws.split(",") if w]
    os.makedirs(args.out, exist_ok=True)
    if args.from_json:
        with open(args.from_json) as f:
            rows = json.load(f)
    else:
        if not os.access(TLBSIM, os.X_OK):
            sys.exit("tlb_sweep: build/tlbsim missing (make tlbsim)")
        tmp = os.path.join(ROOT, "build", "tmp", f"tlb-sweep-{os.getpid()}")
        os.makedirs(tmp, exist_ok=True)
        try:
            rows = run_all(args, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        with open(os.path.join(args.out, "tlbsim.json"), "w") as f:
            json.dump(rows, f, indent=1)
    md = tables(rows)
    with open(os.path.join(args.out, "tlbsim.md"), "w") as f:
        f.write(md)
    print(md)
    plots(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
