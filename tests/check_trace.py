#!/usr/bin/env python3
"""check_trace.py - smoke test of scripts/bochs_trace.py (one Bochs boot).

  tests/check_trace.py [FLUSH [ROW [INSNS]]]     default: pcid slot 297

Traces 3 round trips of ROW on build/FLUSH/slotgate.iso and checks the
stream: every line is a known event of the right shape, the markers pair
up, every trip has the same events, each executes INSNS + 2 instructions
(the bench row's count plus the timer row's empty body, xor and ret, which
the harness subtracts), and every page touched has a T line before its
first use (or after "M end"). Exit 0 when all hold.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = {
    "M": re.compile(r"M .+"),
    "C": re.compile(r"C [0-9a-f]+"),
    "E": re.compile(r"E [0-9a-f]+"),
    "X": re.compile(r"X [0-9a-f]+"),
    "G": re.compile(r"G [0-9a-f]+"),
    "V": re.compile(r"V [0-3] [0-9a-f]+ [0-9a-f]+"),
    "I": re.compile(r"I [0-9a-f]+ [0-9a-f]+"),
    "R": re.compile(r"R [0-9a-f]+ [0-9a-f]+ \d+"),
    "W": re.compile(r"W [0-9a-f]+ [0-9a-f]+ \d+"),
    "T": re.compile(r"T [0-9a-f]+ (4k [01]|2m [01]|1g [01]|\? \?)"),
}


def main():
    flush = sys.argv[1] if len(sys.argv) > 1 else "pcid"
    row = sys.argv[2] if len(sys.argv) > 2 else "slot"
    insns = int(sys.argv[3]) if len(sys.argv) > 3 else 297
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bochs_trace.py"),
                        "--flush", flush, "--row", row, "--trips", "3"],
                       capture_output=True, text=True, timeout=600)
    if p.returncode:
        sys.exit(f"check_trace: bochs_trace.py failed ({p.returncode}):\n{p.stderr}")
    bad = []
    trips, cur, ended = [], None, False
    pages = {12: set(), 21: set(), 30: set()}
    late = set()
    for n, line in enumerate(p.stdout.splitlines(), 1):
        shape = SHAPES.get(line[:1])
        if not shape or not shape.fullmatch(line):
            bad.append(f"line {n}: {line!r}")
            continue
        f = line.split()
        if line.startswith("M trip") and f[3] == "begin":
            cur = {}
        elif line.startswith("M trip") and f[3] == "end":
            trips.append(cur)
            cur = None
        elif line == "M end":
            ended = True
        elif f[0] == "T":
            base = int(f[1], 16)
            shift = {"4k": 12, "2m": 21, "1g": 30}.get(f[2], 12)
            pages[shift].add(base >> shift)
        elif f[0] in "IRW":
            lin = int(f[1], 16)
            if not any(lin >> s in pages[s] for s in pages):
                late.add(lin >> 12)
        if cur is not None and f[0] in "IRWXGV":
            cur[f[0]] = cur.get(f[0], 0) + 1
    if ended:  # T lines after "M end" cover what Bochs neither walked nor stepped
        late = {pg for pg in late if not any((pg << 12) >> s in pages[s] for s in pages)}
    errors = bad[:5]
    if len(trips) != 3:
        errors.append(f"{len(trips)} trips, not 3")
    elif any(t != trips[0] for t in trips):
        errors.append(f"the trips differ: {trips}")
    elif trips[0].get("I") != insns + 2:
        errors.append(f"{trips[0].get('I')} instructions per trip, expected {insns} + 2")
    if late:
        errors.append(f"pages without a T line: {sorted(hex(x << 12) for x in late)[:5]}")
    if errors:
        sys.exit("check_trace: FAIL " + "; ".join(errors))
    print(f"check_trace: {flush} {row}: 3 trips of {trips[0]} - ok")


if __name__ == "__main__":
    main()
