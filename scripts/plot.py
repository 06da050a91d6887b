#!/usr/bin/env python3
"""plot.py - PNG plots of every sweep in build/bench/results.json (gnuplot).

    python3 scripts/plot.py [build/bench]

Per accelerator (icount, bochs, kvm, tcg - a TCG "cycle" is emulated time
and the titles say so):

  roundtrip-ACCEL.png          null round trips, one bar per mechanism
  working-set-ACCEL.png        median against W, one line per mechanism
  CLASS-MECH-ACCEL.png         one pointer class (buf_in, str_in) by size,
                               mapped against copied, for one mechanism
  CLASS-ACCEL.png              the same class, every mechanism (mapped
                               solid, copied dashed)
  nesting-ACCEL.png            median against gates nested
  drivers-ACCEL.png            median against drivers in rotation
  ramfs-file-ACCEL.png         the file-system workload against file bytes

and any other bench with a param as BENCH-ACCEL.png.  A sweep with no rows
gives no plot.  The .dat files gnuplot read stay beside the PNGs.  Each
path written is printed.  plans() is what scripts/results_md.py lists.
"""
import json
import os
import re
import subprocess
import sys

# Column and bar order: no isolation, the alternatives, the slot gate, Linux.
ORDER = ["timer", "call", "syscall", "linux-getpid", "ipc", "trusted", "allmapped",
         "cr3", "cr3-pcid", "slot-reload", "slot-invlpg", "slot-pcid",
         "slot-invpcid", "linux-pipe"]
ACCELS = ["icount", "bochs", "kvm", "tcg"]
BUFFER = re.compile(r"^(?P<cls>.+)-(?P<how>map|copy)$")

# bench -> (description, x label, log x, log y, bytes on x)
SWEEPS = {
    "working-set": ("working set around a null gate",
                    "pages touched by caller and driver (W)", True, True, False),
    "nesting": ("nested gates", "gates nested (depth)", False, False, False),
    "drivers": ("null gate, drivers called in rotation",
                "drivers in rotation", True, False, False),
    "ramfs-file": ("ramfs: write, read back, delete one file",
                   "file size (bytes)", True, False, True),
    # The CPU sweep (bench/cpusweep.c): per round trip of all CPUs together.
    "cpus-shared": ("n CPUs at once, one shared driver, per round trip of all",
                    "CPUs making round trips", False, False, False),
    "cpus-private": ("n CPUs at once, a driver each, per round trip of all",
                     "CPUs making round trips", False, False, False),
    "unmap-shown": ("one unmap while the view is shown on k CPUs",
                    "CPUs showing the view (k)", False, False, False),
}


def mech_key(m):
    return (ORDER.index(m) if m in ORDER else len(ORDER), m)


def accel_order(results):
    found = {r["accel"] for r in results}
    return [a for a in ACCELS if a in found] + sorted(found - set(ACCELS))


def unique(results):
    """First row per (accel, bench, mechanism, param): a row that several
    builds measure (syscall, trusted, ...) counts once, as in bench.py."""
    seen, out = set(), []
    for r in results:
        key = (r.get("accel"), r.get("bench", "roundtrip"), r.get("mechanism"),
               r.get("param", 0))
        if key not in seen and r.get("median") is not None:
            seen.add(key)
            out.append(dict(r, bench=key[1], param=key[3]))
    return out


def unit_label(accel, unit):
    """The y unit, honestly: instruction counts, TSC ticks, or TCG's emulated time."""
    if accel == "tcg":
        return "emulated TCG TSC ticks (not hardware time)"
    if accel == "icount":
        return "instructions (QEMU icount)"
    if accel == "bochs":
        return "instructions (Bochs)"
    if accel == "kvm":
        return "TSC ticks (KVM)"
    return f"{unit} ({accel})"


def buffer_classes(rows):
    return sorted({BUFFER.match(r["bench"]).group("cls") for r in rows
                   if BUFFER.match(r["bench"])})


def other_sweeps(rows):
    """Benches with a param that no table above knows: shown generically."""
    return sorted({r["bench"] for r in rows if r["bench"] != "roundtrip"
                   and r["bench"] not in SWEEPS and not BUFFER.match(r["bench"])})


def plans(results):
    """Every plot for these results, as dicts; nothing is drawn here."""
    results = unique(results)
    out = []
    for accel in accel_order(results):
        rows = [r for r in results if r["accel"] == accel]
        unit = unit_label(accel, rows[0].get("unit", "?"))
        trips = sorted((r for r in rows if r["bench"] == "roundtrip"
                        and r["mechanism"] != "timer"),
                       key=lambda r: (r["median"], mech_key(r["mechanism"])))
        if trips:
            out.append(dict(kind="bars", name=f"roundtrip-{accel}", rows=trips,
                            title=f"Null round trip per mechanism - median {unit}, "
                                  f"{accel}, timer overhead subtracted",
                            ylabel=f"median {unit}"))
        for bench in ["working-set"] + [None] + ["nesting", "drivers", "ramfs-file",
                                                 "cpus-shared", "cpus-private", "unmap-shown"] \
                + other_sweeps(rows):
            if bench is None:  # the pointer classes come after the working set
                for cls in buffer_classes(rows):
                    out.extend(buffer_plans(rows, accel, unit, cls))
                continue
            mine = [r for r in rows if r["bench"] == bench]
            if not mine:
                continue
            what, xlabel, logx, logy, xbytes = SWEEPS.get(
                bench, (bench, "param", False, False, False))
            mechs = sorted({r["mechanism"] for r in mine}, key=mech_key)
            cell = {(r["mechanism"], r["param"]): r["median"] for r in mine}
            out.append(dict(kind="lines", name=f"{bench}-{accel}",
                            title=f"{what} - median {unit}, {accel}",
                            xlabel=xlabel, ylabel=f"median {unit}", logx=logx,
                            logy=logy, xbytes=xbytes,
                            xs=sorted({r["param"] for r in mine}),
                            series=[(m, {x: v for (mm, x), v in cell.items() if mm == m},
                                     None) for m in mechs]))
        for p in out:
            p.setdefault("accel", accel)
    return [p for p in out if p["kind"] == "bars" or all(drawable(p))]


def buffer_plans(rows, accel, unit, cls):
    """One pointer class: mapped against copied per mechanism, then every
    mechanism on one plot (a colour per mechanism, copied dashed)."""
    mine = [r for r in rows if BUFFER.match(r["bench"])
            and BUFFER.match(r["bench"]).group("cls") == cls]
    mechs = sorted({r["mechanism"] for r in mine}, key=mech_key)
    xs = sorted({r["param"] for r in mine})
    cell = {(r["mechanism"], BUFFER.match(r["bench"]).group("how"), r["param"]):
            r["median"] for r in mine}

    def series(m, how):
        return {x: v for (mm, h, x), v in cell.items() if mm == m and h == how}
    common = dict(kind="lines", xlabel="bytes passed", ylabel=f"median {unit}",
                  logx=True, logy=True, xbytes=True, xs=xs)
    out = []
    for m in mechs:
        out.append(dict(common, name=f"{cls}-{m}-{accel}",
                        title=f"{cls} round trip by size, {m} - median {unit}, {accel}",
                        series=[("mapped", series(m, "map"), None),
                                ("copied", series(m, "copy"), None)]))
    if len(mechs) > 1:
        ser = []
        for i, m in enumerate(mechs):
            ser.append((f"{m} mapped", series(m, "map"), (i + 1, 1)))
            ser.append((f"{m} copied", series(m, "copy"), (i + 1, 2)))
        out.append(dict(common, name=f"{cls}-{accel}",
                        title=f"{cls} round trip by size, mechanisms compared - "
                              f"median {unit}, {accel}", series=ser))
    return out


def human(x, xbytes):
    """Tick labels: 4K, 16M for bytes; plain numbers otherwise."""
    if xbytes:
        for div, suffix in ((1 << 20, "M"), (1 << 10, "K")):
            if x >= div and x % div == 0:
                return f"{x // div}{suffix}"
    return f"{x:g}"


def log_tics(lo, hi, xbytes):
    """Powers of two from lo to hi, every 2nd or 4th when there are many."""
    p = 1
    while p * 2 <= lo:
        p *= 2
    tics = []
    while not tics or tics[-1] < hi:  # up to the first power >= hi
        tics.append(p)
        p *= 2
    step = 1
    while len(tics[::step]) > 12:
        step *= 2
    tics = tics[::-1][::step][::-1]  # keep the last power, the axis' end
    return tics[0], tics[-1], ", ".join(f'"{human(t, xbytes)}" {t}' for t in tics)


def gp_str(s):
    return "'" + str(s).replace("'", "''") + "'"


HEAD = ("set terminal pngcairo noenhanced size 960,540 font ',10'\n"
        "set output {png}\nset title {title}\nset grid\n"
        "set key outside right top\n")
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
           "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]


def drawable(p):
    """A line plot's x values and series that a log axis can show; a
    series with no point left is dropped, a plot with none is not made."""
    xs = [x for x in p["xs"] if x > 0 or not p["logx"]]

    def ok(v):
        return v is not None and (v > 0 or not p["logy"])
    series = [(t, {x: v for x, v in vals.items() if ok(v)}, style)
              for t, vals, style in p["series"]]
    return xs, [s for s in series if any(x in s[1] for x in xs)]


def lines_script(p, out):
    xs, series = drawable(p)
    dat = os.path.join(out, p["name"] + ".dat")
    with open(dat, "w") as f:
        f.write("# " + p["xlabel"] + " | " + " | ".join(s[0] for s in series) + "\n")
        for x in xs:
            f.write(f"{x} " + " ".join(str(s[1][x]) if x in s[1] else "?"
                                       for s in series) + "\n")
    script = HEAD.format(png=gp_str(os.path.join(out, p["name"] + ".png")),
                         title=gp_str(p["title"]))
    # '?' for a cell with no row: the line joins its neighbours
    script += "set datafile missing '?'\n"
    script += f"set xlabel {gp_str(p['xlabel'])}\nset ylabel {gp_str(p['ylabel'])}\n"
    lo, hi = min(xs), max(xs)
    if p["logx"]:
        first, last, tics = log_tics(lo, hi, p["xbytes"])
        if first == last:
            first, last = first / 2, last * 2
        script += (f"set logscale x 2\nset xtics ({tics})\n"
                   # a margin, so the end points and end tics are drawn whole
                   f"set xrange [{min(first, lo) / 1.12}:{max(last, hi) * 1.12}]\n")
    elif lo == hi:
        script += f"set xrange [{lo - 1}:{hi + 1}]\n"
    else:  # a margin, so the end points are drawn whole
        script += "set autoscale xfix\nset offsets graph 0.03, graph 0.03, 0, 0\n"
        if all(float(x).is_integer() for x in xs) and hi - lo <= 16:
            script += "set xtics 1\n"
    if p["logy"]:
        script += "set logscale y 10\nset format y '%.0s%c'\n"
    else:
        script += "set yrange [0:*]\n"
    plots = []
    for i, (title, _, style) in enumerate(series):
        k, dash = style if style else (i + 1, 1)
        colour = PALETTE[(k - 1) % len(PALETTE)]
        # a point shape per colour, filled for solid lines, open for dashed
        pt = (7, 5, 9, 11, 13)[(k - 1) % 5] - (dash != 1)
        # earlier lines drawn wider, so one that another covers (equal
        # medians, as slot-pcid and slot-invpcid often are) still shows
        n = len(series) - 1 - i
        plots.append(f"{gp_str(dat)} using 1:{i + 2} with linespoints "
                     f"lw {1.5 + 0.5 * min(n, 4):.1f} lc rgb '{colour}' dt {dash} "
                     f"pt {pt} ps {0.8 + 0.15 * min(n, 4):.2f} title {gp_str(title)}")
    script += "plot " + ", \\\n     ".join(plots) + "\n"
    return dat, script


BAR_GROUPS = [("no gate (call, syscall)", "#9e9e9e"),
              ("gate, no isolation", "#98df8a"),
              ("slot gate", "#2ca02c"),
              ("other isolation (ipc, cr3)", "#1f77b4"),
              ("Linux", "#ff7f0e")]


def bar_colour(m):
    if m in ("call", "syscall"):
        return BAR_GROUPS[0][1]
    if m in ("trusted", "allmapped"):
        return BAR_GROUPS[1][1]
    if m.startswith("slot-"):
        return BAR_GROUPS[2][1]
    if m.startswith("linux"):
        return BAR_GROUPS[4][1]
    return BAR_GROUPS[3][1]


def bars_script(p, out):
    rows = p["rows"]
    dat = os.path.join(out, p["name"] + ".dat")
    vals = [r["median"] for r in rows]
    logy = min(vals) > 0 and max(vals) / min(vals) > 50
    with open(dat, "w") as f:
        f.write("# mechanism | median | colour | label\n")
        for r in rows:
            f.write(f"{r['mechanism']} {r['median']} "
                    f"{int(bar_colour(r['mechanism'])[1:], 16)} {r['median']}\n")
    script = HEAD.format(png=gp_str(os.path.join(out, p["name"] + ".png")),
                         title=gp_str(p["title"]))
    script += (f"set ylabel {gp_str(p['ylabel'] + (' (log scale)' if logy else ''))}\n"
               "set style fill solid 0.8 border -1\nset boxwidth 0.7\n"
               "set xtics rotate by -35 left nomirror\nset grid noxtics ytics\n"
               f"set xrange [-0.6:{len(rows) - 0.4}]\n")
    if logy:
        script += (f"set logscale y 10\nset format y '%.0s%c'\n"
                   f"set yrange [{min(1, min(vals))}:{max(vals) * 4}]\n")
    else:
        script += f"set yrange [{min(0, min(vals) * 1.15)}:{max(vals) * 1.15 or 1}]\n"
    d = gp_str(dat)
    used = {bar_colour(r["mechanism"]) for r in rows}
    script += ("plot " + ", \\\n     ".join(
        [f"{d} using 0:2:3:xtic(1) with boxes lc rgb variable notitle",
         f"{d} using 0:2:4 with labels offset 0,0.8 notitle"]
        + [f"keyentry with boxes lc rgb '{c}' title {gp_str(t)}"
           for t, c in BAR_GROUPS if c in used]) + "\n")
    return dat, script


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "bench")
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)["results"]
    failed = 0
    for p in plans(results):
        _, script = (bars_script if p["kind"] == "bars" else lines_script)(p, out)
        png = os.path.join(out, p["name"] + ".png")
        if os.path.exists(png):
            os.remove(png)
        proc = subprocess.run(["gnuplot"], input=script, text=True,
                              capture_output=True)
        if proc.returncode != 0 or not os.path.exists(png):
            failed += 1
            print(f"plot: FAILED {png}: {proc.stderr.strip()}", file=sys.stderr)
            continue
        print(f"plot: {png}")
    if failed:
        raise SystemExit(f"plot: {failed} plot(s) failed")


if __name__ == "__main__":
    main()
