#!/usr/bin/env python3
"""bench.py - the main job: boot the bench ISO, collect its rows, print a table.

    python3 scripts/bench.py [--out build/bench] ACCEL=ISO...

Each argument boots one ISO (one FLUSH build) under one accelerator through
scripts/qemu.sh and reads the kernel's BENCH_ENV / BENCH JSON lines from
serial; rows of runs under the same accelerator are printed as one table
with the environment on top (a row that several builds measure, such as
syscall, is shown once, from the first).  Under icount the TSC counts guest instructions, so
the unit is "instructions"; under tcg it is emulated "cycles" that say
nothing about hardware (the table says so); only kvm or a real PC gives
cycles worth reading.  Results go to OUT/results.json and OUT/results.csv.
"""
import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(ROOT, "scripts", "qemu.sh")
TIMEOUT_S = 600


def boot(iso, accel):
    """Run one boot; return (accel line, env dict, rows list).  ISO
    "linux" boots Debian's kernel with the peer program instead
    (scripts/linux_peer.sh), under the same accelerator."""
    env = dict(os.environ, ACCEL=accel)
    started = time.time()
    print(f"bench: booting {os.path.basename(iso)} with ACCEL={accel} ...",
          file=sys.stderr, flush=True)
    cmd = ([os.path.join(ROOT, "scripts", "linux_peer.sh"), accel] if iso == "linux"
           else [QEMU, "--timeout", str(TIMEOUT_S), iso])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          errors="replace")
    accel_line = next((l for l in proc.stderr.splitlines()
                       if l.startswith("slotgate: accel=")), f"accel={accel}")
    bench_env, rows, done = {}, [], None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("BENCH_ENV "):
            bench_env = json.loads(line[len("BENCH_ENV "):])
        elif line.startswith("BENCH "):
            row = json.loads(line[len("BENCH "):])
            rows.append(row)
            print(f"bench:   {row['mechanism']:<10} median {row['median']}",
                  file=sys.stderr, flush=True)
        elif line.startswith("BENCH_DONE "):
            done = json.loads(line[len("BENCH_DONE "):])
    if proc.returncode != 0 or not done or done.get("error") or done.get("exit"):
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-2000:])
        raise SystemExit(f"bench: the {accel} run failed "
                         f"(status {proc.returncode}, done={done})")
    print(f"bench: {accel} done in {time.time() - started:.1f} s",
          file=sys.stderr, flush=True)
    return accel_line, bench_env, rows


def resolved_accel(accel_line):
    m = re.search(r"accel=(\w+)", accel_line)
    return m.group(1) if m else "unknown"


def unit_for(accel):
    return {"icount": "instructions", "bochs": "instructions"}.get(accel, "cycles")


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def per_trip(r):
    """Kernel counters per round trip: 'cr3 2 invlpg 0 invpcid 0 pml4e 4'."""
    n = r.get("counters_per") or 0
    if not n:
        return "-"
    parts = []
    for key, label in (("cr3_writes", "cr3"), ("invlpgs", "invlpg"),
                       ("invpcids", "invpcid"), ("pml4e_writes", "pml4e")):
        v = r.get(key, 0) / n
        parts.append(f"{label} {v:.0f}" if v == int(v) else f"{label} {v:.2f}")
    return " ".join(parts)


def print_table(accel, accel_line, env, rows):
    unit = unit_for(accel)
    feats = " ".join(k for k in ("pcid", "invpcid", "pge", "nx", "smep", "smap",
                                 "x2apic", "invariant_tsc", "rdtscp") if env.get(k))
    print()
    print(f"== {accel_line.replace('slotgate: ', '')}")
    print(f"   cpu: {env.get('vendor')} \"{env.get('cpu')}\"  hypervisor: "
          f"{env.get('hypervisor') or 'none'}")
    print(f"   features: {feats}")
    print(f"   tsc: {env.get('tsc_hz')} Hz ({env.get('tsc_source')})  "
          f"FLUSH={env.get('flush')}  commit {commit()}  "
          f"{datetime.date.today().isoformat()}")
    if accel == "tcg":
        print("   NOTE: under TCG a 'cycle' is emulated time: these figures say "
              "nothing about hardware.")
    if accel == "kvm" and "vmx/svm" in accel_line and "no vmx" in accel_line:
        print("   NOTE: paravirtual KVM without vmx/svm: figures are not hardware costs.")
    base = next((r["median"] for r in rows if r["mechanism"] == "syscall"), 0)
    # The second reference: cr3-pcid where the build has PCIDs, else cr3.
    ref_name = "cr3-pcid" if any(r["mechanism"] == "cr3-pcid" for r in rows) else "cr3"
    ref = next((r["median"] for r in rows if r["mechanism"] == ref_name), 0)
    ns = unit == "cycles" and accel == "kvm" and env.get("tsc_hz")
    print("   TLB-miss counts: not measured (Slotgate reads no PMU; no guest here has one)")
    print(f"   {'mechanism':<14}{'median':>9}{'p10':>8}{'p90':>8}{'min':>8}"
          f"  {'unit':<13}{'ns':>7}{'/syscall':>9}{'/' + ref_name:>10}"
          "   kernel work per round trip")
    sweep = [r for r in rows if r.get("bench") == "working-set"]
    buffers = [r for r in rows if str(r.get("bench", "")).startswith("buf_in")]
    others = [r for r in rows if r.get("bench") not in ("roundtrip", "working-set")
              and not str(r.get("bench", "")).startswith("buf_in")]
    order = ["timer", "call", "syscall", "linux-getpid", "ipc", "trusted", "cr3",
             "cr3-pcid", "slot-reload", "slot-invlpg", "slot-pcid", "slot-invpcid",
             "linux-pipe"]
    rows = sorted((r for r in rows if r.get("bench", "roundtrip") == "roundtrip"),
                  key=lambda r: order.index(r["mechanism"])
                  if r["mechanism"] in order else len(order))
    for r in rows:
        if r["mechanism"] == "timer":
            continue
        ns_s = f"{r['median'] * 1e9 / env['tsc_hz']:.1f}" if ns else "-"
        ratio = f"{r['median'] / base:.2f}" if base else "-"
        ratio2 = f"{r['median'] / ref:.2f}" if ref else "-"
        print(f"   {r['mechanism']:<14}{r['median']:>9}{r['p10']:>8}{r['p90']:>8}"
              f"{r['min']:>8}  {unit:<13}{ns_s:>7}{ratio:>9}{ratio2:>10}   {per_trip(r)}")
    timer = next((r for r in rows if r["mechanism"] == "timer"), None)
    if timer:
        print(f"   (timer overhead {timer['median']} {unit} subtracted; "
              f"n={timer['n']} samples per row, first sample reported apart)")
    if sweep:
        print_sweep(sweep, unit)
    if buffers:
        print_buffers(buffers, unit)
    for bench in sorted({r["bench"] for r in others}):
        print(f"   {bench}, median {unit}:")
        for r in sorted((r for r in others if r["bench"] == bench),
                        key=lambda r: (r["param"], r["mechanism"])):
            print(f"   {r['param']:>10}  {r['mechanism']:<14}{r['median']:>10}")


def print_buffers(buffers, unit):
    """buf_in round trips by size: the caller's pages mapped, or copied."""
    cell = {(r["bench"], r["param"]): r["median"] for r in buffers}
    sizes = sorted({r["param"] for r in buffers})
    mech = buffers[0]["mechanism"]
    print(f"   buf_in into echo ({mech}), median {unit}:")
    print(f"   {'bytes':>10}{'mapped':>12}{'copied':>12}")
    for n in sizes:
        m = cell.get(("buf_in-map", n), "-")
        c = cell.get(("buf_in-copy", n), "-")
        print(f"   {n:>10}{m:>12}{c:>12}")


def print_sweep(sweep, unit):
    """Working set W: the caller and the driver each touch W pages."""
    mechs = sorted({r["mechanism"] for r in sweep})
    params = sorted({r["param"] for r in sweep})
    cell = {(r["mechanism"], r["param"]): r for r in sweep}
    print(f"   working set (caller and driver each touch W pages), median {unit}:")
    print("   " + f"{'W':>6}" + "".join(f"{m:>22}" for m in mechs))
    for w in params:
        line = f"   {w:>6}"
        for m in mechs:
            r = cell.get((m, w))
            if not r:
                line += f"{'-':>22}"
                continue
            n = r.get("counters_per") or 1
            work = f"cr3 {r['cr3_writes'] / n:.0f} invlpg {r['invlpgs'] / n:.0f}"
            line += f"{r['median']:>8} ({work:>11})"
        print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("runs", nargs="+", metavar="ACCEL=ISO")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    runs, tables = [], {}
    for spec in args.runs:
        accel, iso = spec.split("=", 1)
        accel_line, env, rows = boot(iso, accel)
        real = resolved_accel(accel_line)
        runs.append((real, accel_line, env, rows))
        if iso == "linux":  # peer rows join the table of their accelerator
            env = tables.get(real, (accel_line, env, []))[1]
        table = tables.setdefault(real, (accel_line, env, []))
        seen = {(r["mechanism"], r.get("bench"), r.get("param")) for r in table[2]}
        table[2].extend(r for r in rows
                        if (r["mechanism"], r.get("bench"), r.get("param")) not in seen)
    results = []
    for real, (accel_line, env, rows) in tables.items():
        print_table(real, accel_line, env, rows)
    for real, accel_line, env, rows in runs:
        for r in rows:
            results.append(dict(r, accel=real, unit=unit_for(real),
                                flush=env.get("flush")))
    # One env object: the run, and what each accelerator's boots reported.
    env_all = {"commit": commit(),
               "date": datetime.datetime.now().isoformat(timespec="seconds"),
               "accelerators": {real: dict(env, accel_line=accel_line)
                                for real, accel_line, env, _ in runs
                                if env.get("flush") != "linux"},
               "linux": next((dict(env, accel=real) for real, _, env, _ in runs
                              if env.get("flush") == "linux"), None)}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"env": env_all, "results": results}, f, indent=1)
    fields = ["accel", "flush", "mechanism", "bench", "param", "median", "p10",
              "p90", "min", "max", "n", "cold", "overhead", "unit", "cr3_writes",
              "invlpgs", "invpcids", "pml4e_writes", "counters_per"]
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(results)
    print(f"\nwrote {args.out}/results.json and results.csv")


if __name__ == "__main__":
    main()
