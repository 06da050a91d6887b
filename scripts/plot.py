#!/usr/bin/env python3
"""plot.py - PNG plots of the sweeps in build/bench/results.json (gnuplot).

    python3 scripts/plot.py [build/bench]

One plot per sweep and accelerator: the working set (median against W,
one line per mechanism) and the buffer size (mapped against copied, log
scales).  Writes OUT/<sweep>-<accel>.png and the .dat files gnuplot read.
"""
import json
import os
import subprocess
import sys


def write_dat(path, xs, columns):
    with open(path, "w") as f:
        for i, x in enumerate(xs):
            f.write(f"{x} " + " ".join(str(c[i]) if c[i] is not None else "NaN"
                                      for c in columns) + "\n")


def plot(out, name, title, xlabel, ylabel, titles, logx, logy):
    dat = os.path.join(out, name + ".dat")
    png = os.path.join(out, name + ".png")
    lines = ", ".join(f"'{dat}' using 1:{i + 2} with linespoints title '{t}'"
                      for i, t in enumerate(titles))
    script = (f"set terminal pngcairo size 800,500\nset output '{png}'\n"
              f"set title '{title}'\nset xlabel '{xlabel}'\nset ylabel '{ylabel}'\n"
              "set key left top\nset grid\n"
              + ("set logscale x 2\n" if logx else "")
              + ("set logscale y 10\n" if logy else "")
              + f"plot {lines}\n")
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "bench")
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)["results"]
    made = []
    for accel in sorted({r["accel"] for r in results}):
        rows = [r for r in results if r["accel"] == accel]
        unit = rows[0]["unit"]
        ws = [r for r in rows if r.get("bench") == "working-set"]
        if ws:
            mechs = sorted({r["mechanism"] for r in ws})
            xs = sorted({r["param"] for r in ws})
            cell = {(r["mechanism"], r["param"]): r["median"] for r in ws}
            name = f"working-set-{accel}"
            write_dat(os.path.join(out, name + ".dat"), xs,
                      [[cell.get((m, x)) for x in xs] for m in mechs])
            made.append(plot(out, name, f"Working set around a null gate ({accel})",
                             "pages touched by caller and driver (W)",
                             f"median {unit} per round trip", mechs, True, True))
        buf = [r for r in rows if str(r.get("bench", "")).startswith("buf_in")]
        for mech in sorted({r["mechanism"] for r in buf}):
            mine = [r for r in buf if r["mechanism"] == mech]
            xs = sorted({r["param"] for r in mine if r["param"] > 0})
            cell = {(r["bench"], r["param"]): r["median"] for r in mine}
            name = f"buffer-{mech}-{accel}"
            write_dat(os.path.join(out, name + ".dat"), xs,
                      [[cell.get((b, x)) for x in xs]
                       for b in ("buf_in-map", "buf_in-copy")])
            made.append(plot(out, name, f"buf_in round trip by size, {mech} ({accel})",
                             "bytes", f"median {unit}", ["mapped", "copied"],
                             True, True))
    for p in made:
        print(f"plot: {p}")


if __name__ == "__main__":
    main()
