#!/usr/bin/env python3
"""bench.py - the main job: boot the bench ISO, collect its rows, print a table.

    python3 scripts/bench.py [--out build/bench] ACCEL=ISO...
    python3 scripts/bench.py [--out DIR] [--dry-run] --plan ACCEL --builds DIR [--iso NAME]
    python3 scripts/bench.py --out build/pc pc=log:FILE   (a saved COM1 log)

--plan ACCEL (what `make bench` uses) decides the runs itself (plan()):
every strategy's ISO under the accelerator ACCEL resolves to when that is
KVM - the PCID builds only where the host CPU has PCID (and INVPCID),
each skip said in one line - or just reload under tcg; then reload and
invlpg under icount and the PCID builds under Bochs, as the exact
references; the Linux peer beside each.  --dry-run prints the plan and
boots nothing.

Each argument boots one ISO (one FLUSH build) under one accelerator through
scripts/qemu.sh and reads the kernel's BENCH_ENV / BENCH JSON lines from
serial; rows of runs under the same accelerator are printed as one table
with the environment on top (a row that several builds measure, such as
syscall, is shown once, from the first).  Under icount the TSC counts
guest instructions, so the unit is "instructions"; elsewhere it is what
RDTSC counts, "tsc-ticks": emulated time under tcg, which says nothing
about hardware (the table says so); under kvm or on a real PC ticks of
the fixed-rate TSC, equal to core cycles only with the CPU's frequency
pinned (the table says which).  Results go to OUT/results.json and
OUT/results.csv.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402  (same directory: mechanism order, buffer benches)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(ROOT, "scripts", "qemu.sh")
TIMEOUT_S = 600


def boot(iso, accel):
    """Run one boot; return (accel line, env dict, rows list).  ISO
    "linux" boots Debian's kernel with the peer program instead
    (scripts/linux_peer.sh), under the same accelerator."""
    env = dict(os.environ, ACCEL=accel)
    if iso == "linux":
        env["SMP"] = "1"  # the peer's rows are single-threaded; one CPU, as always
    started = time.time()
    print(f"bench: {'reading' if iso.startswith('log:') else 'booting'} "
          f"{os.path.basename(iso)} with ACCEL={accel} ...",
          file=sys.stderr, flush=True)
    cmd = ([os.path.join(ROOT, "scripts", "linux_peer.sh"), accel] if iso == "linux"
           else [QEMU, "--timeout", str(TIMEOUT_S), iso])
    if iso.startswith("log:"):
        # A COM1 log saved on a real PC (docs/building.md): read, not booted.
        with open(iso[4:], errors="replace") as f:
            log = f.read().replace("\r", "")
        proc = subprocess.CompletedProcess(
            cmd, 0, log, f"slotgate: accel={accel} (COM1 log {iso[4:]})\n")
    else:
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
    """RDTSC counts at a fixed reference rate, not core clocks: turbo and
    power states change the ticks an operation takes, so the unit is
    named for what it is (icount and Bochs make it an instruction)."""
    return {"icount": "instructions", "bochs": "instructions"}.get(accel, "tsc-ticks")


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


# The PMU's counts (kernel/pmu.h) a row may carry, with their labels.
PMU_LABELS = {"pmu_instructions": "instr", "pmu_dtlb_load_walks": "dtlb-ld",
              "pmu_dtlb_store_walks": "dtlb-st", "pmu_dtlb_walks": "dtlb",
              "pmu_itlb_walks": "itlb"}


def count(v):
    return f"{v:.0f}" if v == int(v) else f"{v:.2f}"


def per_trip(r):
    """Kernel counters per round trip: 'cr3 2 invlpg 0 invpcid 0 pml4e 4
    fast 1' (fast: gates entered by the fast path), then the PMU's where
    the row has them: '| instr 312 dtlb-ld 0.01 dtlb-st 0 itlb 0.02'."""
    n = r.get("counters_per") or 0
    if not n:
        return "-"
    parts = []
    for key, label in (("cr3_writes", "cr3"), ("invlpgs", "invlpg"),
                       ("invpcids", "invpcid"), ("pml4e_writes", "pml4e"),
                       ("fastpath", "fast")):
        parts.append(f"{label} {count(r.get(key, 0) / n)}")
    pmu = [f"{PMU_LABELS.get(k, k[4:])} {count(r[k] / n)}" for k in r if k.startswith("pmu_")]
    return " ".join(parts + (["|"] + pmu if pmu else []))


def walks_per_trip(r):
    """Every TLB page walk the PMU counted, per round trip, or None."""
    keys = [k for k in r if k.startswith("pmu_") and k.endswith("walks")]
    n = r.get("counters_per") or 0
    return sum(r[k] for k in keys) / n if keys and n else None


# The mechanism order and the buffer-bench names are plot.py's.
ORDER, BUFFER, mech_key = plot.ORDER, plot.BUFFER, plot.mech_key
# The sweeps, in print order: bench -> what its param is.
SWEEPS = [("working-set", "W", "working set (caller and driver each touch W pages)"),
          ("nesting", "depth", "gates nested"),
          ("drivers", "drivers", "drivers called in rotation"),
          ("ramfs-file", "bytes", "ramfs: write, read back, delete a file of N bytes")]



def core_cell(r):
    """A row's median in core cycles (coreclock.h), starred where its
    window was not all C0 at the TSC's rate (c0_milli off 1000 by more
    than 2%): then ticks x dAPERF/dMPERF are not the row's cycles."""
    if "core_median" not in r:
        return "-"
    off = abs(r.get("c0_milli", 1000) - 1000) > 20
    return f"{r['core_median']}{'*' if off else ''}"


def core_clock_line(env, has_core):
    """What the table's core-cycle column rests on, or why there is none."""
    if has_core:
        return ("IA32_APERF/MPERF (CPUID.06H:ECX[0]): the core column is the median "
                "in core cycles")
    why = env.get("core_clock") or "not reported by this kernel"
    return (f"{why}; no core-cycle column.  A KVM guest sees APERF/MPERF only where the "
            "host passes them through (KVM_X86_DISABLE_EXITS_APERFMPERF) and the VMM "
            "sets CPUID.06H:ECX[0]; a PC booted from the ISO has them")


def print_table(accel, accel_line, env, rows, pcid_in=()):
    """One accelerator's block.  pcid_in: the accelerators whose tables
    have a cr3-pcid row, named when this one has none."""
    unit = unit_for(accel)
    has_core = any("core_median" in r for r in rows)
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
        print("   NOTE: under TCG a TSC tick is emulated time: these figures say "
              "nothing about hardware.")
    if accel == "kvm" and "vmx/svm" in accel_line and "no vmx" in accel_line:
        print("   NOTE: paravirtual KVM without vmx/svm: figures are not hardware costs.")
    if accel in ("kvm", "pc") and not env.get("invariant_tsc"):
        print("   WARNING: the CPU shows no invariant TSC (CPUID 0x80000007 EDX[8]): "
              "ticks per operation may move with the core's clock; pin the CPU "
              "frequency (docs/bench.md)")
    elif accel in ("kvm", "pc") and not has_core:
        print("   NOTE: TSC ticks are at the fixed TSC rate, not core cycles: pin the "
              "CPU frequency (no turbo) for ticks = cycles (docs/bench.md)")
    if accel in ("kvm", "pc"):
        print(f"   core clock: {core_clock_line(env, has_core)}")
    trips = [r for r in rows if r.get("bench", "roundtrip") == "roundtrip"]
    base = next((r["median"] for r in trips if r["mechanism"] == "syscall"), 0)
    # The second reference: cr3-pcid where the build has PCIDs, else cr3.
    ref_name = "cr3-pcid" if any(r["mechanism"] == "cr3-pcid" for r in trips) else "cr3"
    ref = next((r["median"] for r in trips if r["mechanism"] == ref_name), 0)
    ns = unit == "tsc-ticks" and accel in ("kvm", "pc") and env.get("tsc_hz")
    if any(walks_per_trip(r) is not None for r in rows):
        print(f"   TLB walks: counted by the PMU ({env.get('pmu')}), per round trip "
              "after the '|' (instr: instructions retired)")
    else:
        print(f"   TLB walks: not counted ({env.get('pmu') or 'this kernel reads no PMU'})")
    if ref_name == "cr3" and trips:
        where = [a for a in pcid_in if a != accel]
        print(f"   (no cr3-pcid row here, this build has no PCIDs: ratios to cr3; "
              + (f"cr3-pcid is in the {', '.join(where)} table)" if where
                 else "no table in this run has cr3-pcid)"))
    core_col = f"{'core':>9}" if has_core else ""
    if trips:
        print(f"   {'mechanism':<14}{'median':>9}{'p10':>8}{'p90':>8}{'min':>8}"
              f"  {'unit':<13}{'ns':>7}{core_col}{'/syscall':>9}{'/' + ref_name:>10}"
              "   kernel work per round trip")
    timer = None
    for r in sorted(trips, key=lambda r: mech_key(r["mechanism"])):
        if r["mechanism"] == "timer":
            timer = r
            continue
        ns_s = f"{r['median'] * 1e9 / env['tsc_hz']:.1f}" if ns else "-"
        ratio = f"{r['median'] / base:.2f}" if base else "-"
        ratio2 = f"{r['median'] / ref:.2f}" if ref else "-"
        core = f"{core_cell(r):>9}" if has_core else ""
        print(f"   {r['mechanism']:<14}{r['median']:>9}{r['p10']:>8}{r['p90']:>8}"
              f"{r['min']:>8}  {unit:<13}{ns_s:>7}{core}{ratio:>9}{ratio2:>10}   "
              f"{per_trip(r)}")
    if timer:
        print(f"   (timer overhead {timer['median']} {unit} subtracted; "
              f"n={timer['n']} samples per row, first sample reported apart)")
    if has_core:
        print("   (core: the median in core cycles, ticks x dAPERF/dMPERF over the row; "
              "rows with a C0 share off 1.000 are marked *)")
    sweeps = [r for r in rows if r.get("bench", "roundtrip") != "roundtrip"]
    known = {b for b, _, _ in SWEEPS}
    by_bench = {}
    for r in sweeps:
        by_bench.setdefault(r["bench"], []).append(r)
    for bench, label, what in SWEEPS[:1]:
        if bench in by_bench:
            print_matrix(by_bench[bench], label, f"{what}, median {unit}", work=True)
    for cls in sorted({BUFFER.match(b).group("cls") for b in by_bench if BUFFER.match(b)}):
        print_buffers(cls, [r for r in sweeps if BUFFER.match(r["bench"])
                            and BUFFER.match(r["bench"]).group("cls") == cls], unit)
    for bench, label, what in SWEEPS[1:]:
        if bench in by_bench:
            print_matrix(by_bench[bench], label, f"{what}, median {unit}")
    for bench in sorted(b for b in by_bench if b not in known and not BUFFER.match(b)):
        print_matrix(by_bench[bench], "param", f"{bench}, median {unit}")


def print_grid(head, lines):
    """Right-aligned columns as wide as their widest cell."""
    widths = [max(len(str(row[i])) for row in head + lines) for i in range(len(head[0]))]
    for row in head + lines:
        print("   " + "".join(f"{str(c):>{w + (2 if i else 0)}}"
                              for i, (c, w) in enumerate(zip(row, widths))))


def print_matrix(rows, label, title, work=False):
    """A sweep: one line per param, one column per mechanism (with the
    kernel's CR3 writes and INVLPGs per round trip when work is set)."""
    mechs = sorted({r["mechanism"] for r in rows}, key=mech_key)
    cell = {}
    for r in rows:
        cell.setdefault((r["mechanism"], r["param"]), r)
    lines = []
    for p in sorted({r["param"] for r in rows}):
        line = [p]
        for m in mechs:
            r = cell.get((m, p))
            if r and work:
                n = r.get("counters_per") or 1
                walks = walks_per_trip(r)
                line.append(f"{r['median']} (cr3 {r.get('cr3_writes', 0) / n:.0f} "
                            f"invlpg {r.get('invlpgs', 0) / n:.0f}"
                            + (f" walks {walks:.2f})" if walks is not None else ")"))
            else:
                line.append(r["median"] if r else "-")
        lines.append(line)
    print(f"   {title}:")
    print_grid([[label] + mechs], lines)


def print_buffers(cls, rows, unit):
    """One pointer class by size: the caller's pages mapped, or copied,
    a pair of columns per mechanism."""
    mechs = sorted({r["mechanism"] for r in rows}, key=mech_key)
    cell = {}
    for r in rows:
        cell.setdefault((r["mechanism"], BUFFER.match(r["bench"]).group("how"),
                         r["param"]), r["median"])
    lines = [[n] + [cell.get((m, how, n), "-") for m in mechs for how in ("map", "copy")]
             for n in sorted({r["param"] for r in rows})]
    print(f"   {cls} into echo, median {unit}, mapped and copied:")
    print_grid([[""] + [m for m in mechs for _ in (0, 1)],
                ["bytes"] + ["mapped", "copied"] * len(mechs)], lines)


def host_facts():
    """What plan() needs of this host, read as scripts/qemu.sh reads it."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l.split(":", 1)[1].split() for l in f
                          if l.startswith("flags")), [])
    except OSError:
        flags = []
    usable = os.access("/dev/kvm", os.R_OK | os.W_OK)
    return {"kvm_usable": usable, "flags": set(flags)}


def resolve(accel, host):
    """ACCEL as scripts/qemu.sh resolves it: auto is kvm only if /dev/kvm is
    usable and the host CPU has vmx/svm, else tcg."""
    if accel != "auto":
        return accel
    hw = bool(host["flags"] & {"vmx", "svm"})
    return "kvm" if host["kvm_usable"] and hw else "tcg"


def plan(accel, host, builds, iso="slotgate.iso"):
    """The runs of `make bench`: a list of (accelerator, ISO path or
    "linux"), and a list of one-line notes (what was left out, why).
    Under KVM every strategy runs where the host CPU can: that is where a
    switch's cost is measured in cycles."""
    real = resolve(accel, host)
    path = lambda flush: os.path.join(builds, flush, iso)  # noqa: E731
    runs, notes = [], []
    if real == "kvm":
        need = {"pcid": {"pcid"}, "invpcid": {"pcid", "invpcid"}}
        for flush in ("reload", "invlpg", "pcid", "invpcid"):
            missing = sorted(need.get(flush, set()) - host["flags"])
            if missing:
                notes.append(f"kvm: {flush} skipped: the host CPU has no "
                             f"{' or '.join(missing)} (/proc/cpuinfo flags)")
            else:
                runs.append(("kvm", path(flush)))
    elif real in ("tcg", "icount", "bochs"):
        runs.append((real, path("reload")))
        if real == "tcg":
            notes.append("tcg: reload only (no PCID under TCG; the exact "
                         "counts come from icount and Bochs below)")
    else:
        raise SystemExit(f"bench: unknown accelerator {accel!r}")
    if real not in ("icount", "bochs"):
        runs.append((real, "linux"))
    if real != "icount":
        runs.append(("icount", path("reload")))
    runs += [("icount", path("invlpg")), ("icount", "linux")]
    runs += [("bochs", path("pcid")), ("bochs", path("invpcid"))]
    return runs, notes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--plan", metavar="ACCEL",
                    help="decide the runs (plan()) for this accelerator")
    ap.add_argument("--builds", default=os.path.join(ROOT, "build"),
                    help="with --plan: where build/<flush>/ISO live")
    ap.add_argument("--iso", default="slotgate.iso", help="with --plan: the ISO name")
    ap.add_argument("--dry-run", action="store_true",
                    help="print the runs and boot nothing")
    ap.add_argument("runs", nargs="*", metavar="ACCEL=ISO")
    args = ap.parse_args()
    specs = [tuple(s.split("=", 1)) for s in args.runs]
    if args.plan:
        planned, notes = plan(args.plan, host_facts(), args.builds, args.iso)
        specs += planned
        for n in notes:
            print(f"bench: {n}", file=sys.stderr)
    if not specs:
        ap.error("nothing to run: give ACCEL=ISO arguments or --plan ACCEL")
    if args.dry_run:
        for accel, iso in specs:
            print(f"{accel}={os.path.relpath(iso, ROOT) if iso != 'linux' else iso}")
        return
    os.makedirs(args.out, exist_ok=True)
    runs, tables = [], {}
    for accel, iso in specs:
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
    pcid_in = [real for real, (_, _, rows) in tables.items()
               if any(r["mechanism"] == "cr3-pcid" for r in rows)]
    for real, (accel_line, env, rows) in tables.items():
        print_table(real, accel_line, env, rows, pcid_in)
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
              "invlpgs", "invpcids", "pml4e_writes", "fastpath", "counters_per",
              "core_median", "core_p10", "core_p90", "core_min", "core_milli",
              "c0_milli"] + list(PMU_LABELS)
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(results)
    print(f"\nwrote {args.out}/results.json and results.csv")


if __name__ == "__main__":
    main()
