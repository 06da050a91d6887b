#!/usr/bin/env python3
"""check_screen.py - the benchmark's end screen, read off the screen.

    python3 tests/check_screen.py [--keep DIR] ISO
    python3 tests/check_screen.py --decode FILE.ppm

Boots the bench ISO (the quick one in make check) twice, side by side,
as a PC with no serial port would run it: no COM1 at all (COM1=none) and
no isa-debug-exit (DEBUG_EXIT=0), so the guest halts at its end and what
it printed is only on its screen.

  uefi  OVMF; GRUB hands over a graphics mode and the kernel draws with
        its own font (kernel/fbcon.c).  QMP `screendump` writes what the
        display shows (a PPM); every character cell of it is read back
        against the font parsed from kernel/font.c: a cell must be exactly
        one glyph, in one colour on black, or the case fails.
  bios  SeaBIOS; VGA text mode.  QMP `pmemsave` reads the text buffer at
        0xb8000 (the screen the VGA card shows).

The end of a run is seen through QMP: the boot CPU halted, interrupts off,
in the kernel (machine_exit's last loop).  Then the end screen must show,
on that one screenful: the summary's title with the FLUSH strategy, the
cpu, accelerator, tsc and core-cycles lines, the table header, one row with numbers per
round-trip mechanism, "run: complete" and "slotgate: exit 0".

--decode prints the text of a screendump (a capture kept with --keep, or
one made by hand).  KTAP: screen_<firmware>_boot, _summary, _<mechanism>,
and for uefi _cells_are_glyphs.  Time is never asserted.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(ROOT, "scripts", "qemu.sh")
FONT_C = os.path.join(ROOT, "kernel", "font.c")
BOOT_TIMEOUT = 240  # under the runner's 300 s, so a hang is reported here
KERNEL_VMA = 0xffffffff80000000

# fbcon.h's geometry rule: the largest scale leaving 100 x 30 cells.
FONT_W, FONT_H = 8, 16
MIN_COLS, MIN_ROWS = 100, 30
MAX_COLS, MAX_ROWS = 256, 128

# The round trips every build's bench program reports; slot-FLUSH is added.
MECHANISMS = ["call", "syscall", "ipc", "trusted", "allmapped", "cr3"]


def load_font(path=FONT_C):
    """{16-byte glyph: character} from the GLYPH() rows of kernel/font.c
    (12 drawn rows, cell rows 2..13)."""
    with open(path) as f:
        src = f.read()
    glyphs = {}
    for m in re.finditer(r"GLYPH\(0x([0-9a-fA-F]{2}),[^\n]*\n((?:\s*\"[.#]{8}\"[,)]\s*\n?){12})", src):
        rows = re.findall(r"\"([.#]{8})\"", m.group(2))
        bits = [0, 0] + [int(r.replace("#", "1").replace(".", "0"), 2) for r in rows] + [0, 0]
        glyphs[bytes(bits)] = chr(int(m.group(1), 16))
    if len(glyphs) != 0x7f - 0x20:
        raise SystemExit(f"check_screen: {len(glyphs)} glyphs parsed from {path}, want 95")
    return glyphs


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not a P6 PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError(f"{path}: {len(pixels)} pixel bytes, want {w * h * 3}")
    return w, h, pixels


def decode_framebuffer(path, glyphs):
    """The text of a framebuffer console screendump: (lines, bad cells,
    colours).  A bad cell is one whose pixels are not exactly a glyph
    (blocks of scale x scale, black and one colour); it reads as '\\ufffd'.
    colours: the set of non-black colours seen."""
    w, h, px = read_ppm(path)
    scale = max(1, min(w // (FONT_W * MIN_COLS), h // (FONT_H * MIN_ROWS)))
    cols = min(w // (FONT_W * scale), MAX_COLS)
    rows = min(h // (FONT_H * scale), MAX_ROWS)
    colours = set()
    on = []  # per pixel row: a bytearray, 1 where not black
    for y in range(h):
        line = px[y * w * 3:(y + 1) * w * 3]
        row = bytearray(w)
        for x in range(w):
            rgb = line[3 * x:3 * x + 3]
            if rgb != b"\0\0\0":
                row[x] = 1
                colours.add(bytes(rgb))
        on.append(row)
    lines, bad = [], 0
    for r in range(rows):
        text = []
        for c in range(cols):
            x0, y0 = c * FONT_W * scale, r * FONT_H * scale
            bits, exact = [], True
            for gy in range(FONT_H):
                b = 0
                for sy in range(scale):
                    prow = on[y0 + gy * scale + sy]
                    for gx in range(FONT_W):
                        cell = prow[x0 + gx * scale:x0 + (gx + 1) * scale]
                        if sy == 0 and cell[0]:
                            b |= 0x80 >> gx
                        if cell != bytearray([(b >> (7 - gx)) & 1]) * scale:
                            exact = False
                bits.append(b)
            ch = glyphs.get(bytes(bits)) if exact else None
            if ch is None:
                bad += 1
                ch = "\ufffd"
            text.append(ch)
        lines.append("".join(text).rstrip())
    return lines, bad, colours


def decode_text_buffer(data, cols=80, rows=25):
    """The lines of a VGA text buffer: (character, attribute) byte pairs."""
    chars = data[0::2]
    return ["".join(chr(b) if 0x20 <= b < 0x7f else " " for b in
                    chars[r * cols:(r + 1) * cols]).rstrip() for r in range(rows)]


class Qmp:
    """The few QMP commands used here, over QEMU's unix socket."""

    def __init__(self, path, deadline, proc):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if proc.poll() is not None:
                    raise ConnectionError(f"qemu.sh exited (status {proc.returncode}) "
                                          "before QMP came up")
                if time.time() > deadline:
                    raise TimeoutError("QMP socket never came up")
                time.sleep(0.2)
        self.sock.settimeout(60)
        self.buf = b""
        self._message()  # the greeting
        self.execute("qmp_capabilities")

    def _message(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._message()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"QMP {cmd}: {reply['error']}")
            # an event: skip

    def hmp(self, line):
        return self.execute("human-monitor-command", **{"command-line": line})

    def close(self):
        self.sock.close()


def halted_in_kernel(qmp):
    """Whether the boot CPU sits in machine_exit's last loop: HLT with
    interrupts off, at a kernel address."""
    regs = qmp.hmp("info registers")
    rip = re.search(r"RIP=([0-9a-f]+)", regs)
    efl = re.search(r"[ER]FL=([0-9a-f]+)", regs)  # RFL in 64-bit mode
    return ("HLT=1" in regs and rip and efl and int(rip.group(1), 16) >= KERNEL_VMA
            and not int(efl.group(1), 16) & 0x200)


def capture(firmware, iso, workdir, glyphs):
    """Boot @iso under @firmware with no serial port; at the run's end,
    capture the screen.  Returns a dict: boot (ok, note), lines, bad,
    colours, capture (file)."""
    sock = os.path.join(workdir, f"{firmware}.qmp")
    env = dict(os.environ, ACCEL="tcg", FIRMWARE=firmware, COM1="none",
               DEBUG_EXIT="0", QMP=sock, SMP="1")
    log = open(os.path.join(workdir, f"{firmware}.log"), "w")
    proc = subprocess.Popen([QEMU, "--timeout", str(BOOT_TIMEOUT + 30), iso], env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    out = {"boot": False, "note": "", "lines": [], "bad": 0, "colours": set(),
           "capture": None}
    started = time.time()
    deadline = started + BOOT_TIMEOUT
    qmp = None
    try:
        qmp = Qmp(sock, deadline, proc)
        while not halted_in_kernel(qmp):
            if time.time() > deadline:
                out["note"] = f"no end after {BOOT_TIMEOUT} s"
                break
            if proc.poll() is not None:
                out["note"] = f"QEMU exited early (status {proc.returncode})"
                break
            time.sleep(1)
        else:
            out["boot"] = True
            out["note"] = f"halted after {time.time() - started:.0f} s"
        if firmware == "uefi":
            path = os.path.join(workdir, "uefi-screen.ppm")
            qmp.execute("screendump", filename=path)
            out["capture"] = path
            out["lines"], out["bad"], out["colours"] = decode_framebuffer(path, glyphs)
        else:
            path = os.path.join(workdir, "bios-b8000.bin")
            qmp.execute("pmemsave", val=0xb8000, size=80 * 25 * 2, filename=path)
            out["capture"] = path
            with open(path, "rb") as f:
                out["lines"] = decode_text_buffer(f.read())
        qmp.execute("quit")
    except (OSError, RuntimeError, ValueError, TimeoutError, ConnectionError) as e:
        out["boot"] = False
        out["note"] = f"{type(e).__name__}: {e}"
        with open(os.path.join(workdir, f"{firmware}.log"), errors="replace") as f:
            out["note"] += " | " + " | ".join(f.read().splitlines()[-3:])
    finally:
        if qmp:
            qmp.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    if out["boot"] and proc.returncode != 0:
        out["boot"] = False
        out["note"] += f"; qemu.sh exited {proc.returncode}"
    return out


def summary_cases(prefix, lines, flush):
    """[(ok, name, note)] for the end screen's expected lines."""
    screen = "\n".join(lines)
    cases = []

    def want(name, pattern, what):
        m = re.search(pattern, screen, re.M)
        cases.append((bool(m), f"{prefix}_{name}", m.group(0).strip() if m else f"no {what}"))

    want("title", rf"^Slotgate: what a round trip costs \(FLUSH={flush}\)$", "title line")
    want("cpu", r"^cpu: \S+ \".*\" family \d+ model \d+$", "cpu line")
    want("accelerator", r"^accelerator: QEMU TCG", "accelerator line")
    want("tsc", r"^tsc: [1-9]\d* Hz \(\S+\), invariant (yes|no)", "tsc line")
    # No emulator here has APERF/MPERF: the line says why not, and the
    # core-cycles column shows "-" (a number where the CPU gives one).
    want("core_cycles", r"^core cycles: (the median scaled by APERF/MPERF|none: .+)$",
         "core cycles line")
    want("table_header", r"^mechanism\s+median\s+p10\s+p90\s+/syscall\s+core cycles\s+n$",
         "table header")
    for mech in MECHANISMS + [f"slot-{flush}"]:
        want(mech.replace("-", "_"),
             rf"^{re.escape(mech)}\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+(\d+|-)\s+\d+$",
             f"{mech} row")
    want("run_complete", r"^run: complete \(error 0, exit 0\)$", "run: complete line")
    want("exit_0", r"^slotgate: exit 0$", "exit line")
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("iso", nargs="?")
    ap.add_argument("--keep", metavar="DIR", help="copy the captures and logs here")
    ap.add_argument("--decode", metavar="PPM", help="print the text of a screendump")
    opts = ap.parse_args()
    glyphs = load_font()
    if opts.decode:
        lines, bad, colours = decode_framebuffer(opts.decode, glyphs)
        print("\n".join(lines).rstrip("\n"))
        print(f"({bad} cells not a glyph; colours {sorted(c.hex() for c in colours)})",
              file=sys.stderr)
        return 1 if bad else 0
    if not opts.iso:
        ap.error("give the ISO")
    m = re.search(r"build/([a-z]+)(-slow)?/", os.path.abspath(opts.iso))
    flush = m.group(1) if m else "reload"
    base = os.environ.get("TMPDIR", "/tmp")
    try:
        workdir = tempfile.mkdtemp(prefix="slotgate-screen.", dir=base)
    except OSError:
        os.makedirs(os.path.join(ROOT, "build", "tmp"), exist_ok=True)
        workdir = tempfile.mkdtemp(prefix="slotgate-screen.",
                                   dir=os.path.join(ROOT, "build", "tmp"))
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            uefi, bios = pool.map(lambda fw: capture(fw, opts.iso, workdir, glyphs),
                                  ["uefi", "bios"])
        if opts.keep:
            os.makedirs(opts.keep, exist_ok=True)
            for name in os.listdir(workdir):
                if not name.endswith(".qmp"):
                    shutil.copy(os.path.join(workdir, name), opts.keep)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    cases = []
    for fw, got in (("uefi", uefi), ("bios", bios)):
        for line in got["lines"]:
            print(f"    # {fw} | {line}")
        cases.append((got["boot"], f"screen_{fw}_boot", got["note"]))
        if fw == "uefi":
            colours = sorted(c.hex() for c in got["colours"])
            cases.append((got["boot"] and got["bad"] == 0 and len(colours) == 1,
                          "screen_uefi_cells_are_glyphs",
                          f"{got['bad']} cells not a glyph of kernel/font.c; "
                          f"colours besides black: {colours}"))
        cases += summary_cases(f"screen_{fw}", got["lines"], flush)
    print("KTAP version 1")
    print(f"1..{len(cases)}")
    failed = 0
    for n, (ok, name, note) in enumerate(cases, 1):
        print(f"    # {note}")
        print(f"{'ok' if ok else 'not ok'} {n} {name}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
