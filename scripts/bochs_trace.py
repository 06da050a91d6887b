#!/usr/bin/env python3
"""bochs_trace.py - an architectural trace of one bench row, from Bochs.

Boots a bench ISO under Bochs 2.7 with its debugger driven through a pipe
(stdin/stdout; no rc script), lets the bench program run at full speed
until the chosen row's timed samples begin, switches tracing on
(`trace on`, `trace-mem on`, `trace-reg on`) for K round trips and writes
a compact event stream, parsed line by line as Bochs prints it (the raw
trace is never stored):

  M <text>                       marker: "begin", "trip N begin",
                                 "trip N end", "end", "info ..."
  C <cr3-hex>                    CR3 when tracing starts (no flush implied)
  E <cr4-hex>                    CR4 when tracing starts, and on MOV to CR4
  X <cr3-hex>                    MOV to CR3: the full 64-bit value written
  G <lin-hex>                    INVLPG of that linear address
  V <type> <pcid-hex> <lin-hex>  INVPCID: type (register), descriptor
  I <lin-hex> <phy-hex>          one instruction executed (its first byte)
  R <lin-hex> <phy-hex> <len>    a data read
  W <lin-hex> <phy-hex> <len>    a data write (a read-modify-write, which
                                 Bochs prints as RW, is one W)
  T <lin-page-hex> <4k|2m|1g> <G 0|1>
                                 the translation of a page (lin-page is the
                                 page's base, aligned to its size), before
                                 the first event that uses it: trip 1 is
                                 single-stepped and each new page looked up
                                 with the debugger's `page` in the address
                                 space it was used in; later, Bochs's own
                                 page walks (if a page differs or is new);
                                 anything left after "M end", from `page`
                                 at the end ("? ?" when not mapped there)

Markers: trip N begins at the body's first instruction (its entry, found
with nm in the bench program's ELF) and ends at the instruction the timed
call returns to (read from the stack at the entry). Everything between,
the harness included, is traced; the per-trip counts are those between
"trip N begin" and "trip N end".

Which hit is which: a linear breakpoint on the kernel's user_run_module
waits until the program (bench, or sweep for working-set rows) starts;
then one on the body, whose hits carry (param, sample index) in
(rdi, rsi): the cold sample is i = 0, ten untimed warm-up calls have
i >= n, the timed samples i = 1 .. n-1. Tracing starts at timed sample
1 + --skip.

  scripts/bochs_trace.py --flush pcid --row slot --trips 20 > slot.trace
  scripts/bochs_trace.py --flush invlpg --row working-set --ws 64 --trips 5
  scripts/bochs_trace.py --flush pcid --row slot --trips 2 --raw 300

Python standard library only; runs Bochs under LC_ALL=C without a display.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# row -> (program, body symbol)
ROWS = {
    "call": ("bench", "plain_call"),
    "syscall": ("bench", "null_syscall"),
    "slot": ("bench", "slot"),
    "trusted": ("bench", "trusted"),
    "allmapped": ("bench", "allmapped"),
    "cr3": ("bench", "cr3"),
    "ipc": ("bench", "ipc"),
    "working-set": ("sweep", "touch"),                 # slot-FLUSH
    "working-set-trusted": ("sweep", "touch_trusted"),
    "working-set-cr3": ("sweep", "touch_cr3"),         # cr3-pcid in PCID builds
    "working-set-ipc": ("sweep", "touch_ipc"),
}

PROMPT = b"<bochs:"


def die(msg):
    print("bochs_trace: " + msg, file=sys.stderr)
    sys.exit(2)


def say(msg):
    print("bochs_trace: " + msg, file=sys.stderr)


def nm_symbol(elf, name):
    out = subprocess.run(["nm", elf], capture_output=True, text=True,
                         check=True, env=dict(os.environ, LC_ALL="C")).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    die(f"no symbol {name} in {elf}")


def first_insn_bytes(elf, addr):
    """The hex bytes of the instruction at addr, as objdump shows them."""
    out = subprocess.run(
        ["objdump", "-d", f"--start-address={addr:#x}",
         f"--stop-address={addr + 16:#x}", elf],
        capture_output=True, text=True, check=True,
        env=dict(os.environ, LC_ALL="C")).stdout
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\t([0-9a-f ]+)\t", line)
        if m and int(m.group(1), 16) == addr:
            return m.group(2).replace(" ", "")
    die(f"cannot disassemble {elf} at {addr:#x}")


# --- the Bochs session --------------------------------------------------------
class Bochs:
    """Bochs with its debugger on a pipe: run a command, get its lines."""

    def __init__(self, iso, rundir, raw_lines=0):
        bochsrc = os.path.join(rundir, "bochsrc")
        subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"),
                        "--bochsrc-only", rundir, iso], check=True)
        open(os.path.join(rundir, "rc"), "w").close()  # commands come on stdin
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(LC_ALL="C", ALSA_CONFIG_PATH="/dev/null")
        prefix = []
        for p in (["unshare", "-n"], ["unshare", "-rn"]):
            if subprocess.run(p + ["true"], capture_output=True).returncode == 0:
                prefix = p
                break
        self.proc = subprocess.Popen(
            prefix + ["bochs", "-q", "-f", bochsrc, "-rc",
                      os.path.join(rundir, "rc")],
            cwd=rundir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=env)
        self.fd = self.proc.stdout.fileno()
        self.buf = b""
        self.raw_left = raw_lines
        self.lines_read = 0
        self.bytes_read = 0

    def lines(self):
        """Yield decoded output lines until the next prompt (then stop)."""
        while True:
            nl = self.buf.rfind(b"\n")
            if nl >= 0:
                chunk, self.buf = self.buf[:nl], self.buf[nl + 1:]
                for line in chunk.decode("latin-1").split("\n"):
                    self.lines_read += 1
                    if self.raw_left > 0:
                        self.raw_left -= 1
                        sys.stderr.write("RAW| " + line + "\n")
                    yield line
            if self.buf.startswith(PROMPT) and self.buf.endswith(b"> "):
                self.buf = b""
                return
            d = os.read(self.fd, 1 << 20)
            if not d:
                if self.buf:
                    yield self.buf.decode("latin-1")
                raise EOFError("bochs exited")
            self.bytes_read += len(d)
            self.buf += d

    def send(self, cmd):
        self.proc.stdin.write(cmd.encode() + b"\n")
        self.proc.stdin.flush()

    def cmd(self, cmd):
        """Run a command that does not run the guest; its output lines."""
        self.send(cmd)
        out = list(self.lines())
        if out and out[0].strip() == cmd:
            out = out[1:]  # readline's echo
        return out

    def regs(self):
        r = {}
        for line in self.cmd("r"):
            m = re.match(r"(r\w+|r\d+)\s*:\s*([0-9a-f]{8})_([0-9a-f]{8})", line)
            if m:
                r[m.group(1)] = int(m.group(2) + m.group(3), 16)
        return r

    def read_u64(self, lin):
        for line in self.cmd(f"x /1gx {lin:#x}"):
            m = re.search(r">:\s*(0x[0-9a-f]+)", line)
            if m:
                return int(m.group(1), 16)
        die(f"cannot read memory at {lin:#x}")

    def read_string(self, lin, n=16):
        out = bytearray()
        for line in self.cmd(f"x /{n}bx {lin:#x}"):
            if ">:" in line:
                out += bytes(int(t, 16) for t in line.split(">:", 1)[1].split())
        return out.split(b"\0", 1)[0].decode("latin-1")

    def close(self):
        try:
            self.send("quit")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def stop_of(lines):
    """The breakpoint address a run stopped at (None: some other stop)."""
    at = None
    for line in lines:
        m = re.match(r"\(\d+\) Breakpoint \d+, (0x[0-9a-f]+)", line)
        if m:
            at = int(m.group(1), 16)
    return at


# --- the trace parser -----------------------------------------------------------
REG64 = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
         "r10", "r11", "r12", "r13", "r14", "r15"}


class Parser:
    """Turns Bochs's trace lines into events.

    Bochs prints, per executed instruction, `trace-reg`'s register dump
    (the state before it), then the instruction:
      (0).[TICKS] [0xPHYS] SEL:LIN (unk. ctxt): DISASM ; BYTES
    then its memory accesses (`trace-mem`):
      [CPU0 RD]: LIN 0x.. PHY 0x.. (len=8, UC): 0xHI 0xLO
      [CPU0 RW]: LIN ..   (read-modify-write, then [CPU0 WR]: PHY .. alone)
    and, whenever Bochs itself walks the page tables (its own TLB missed),
      [CPU0 RD]: PHY 0x.. (len=8, UC): 0xHI 0xLO\t; PML4E|PDPTE|PDE|PTE
    just before the access that needed it.
    """

    def __init__(self, out):
        self.out = out
        self.regs = {}        # name -> hex text, decoded lazily
        self.pending = None   # "X"/"G"/"E" waiting for nothing; "V" waiting for its descriptor
        self.walk = []        # (level, entry) of Bochs's current page walk
        self.tpages = {}      # lin page (4k) -> (size, g) emitted
        self.seen = set()     # 4k lin pages touched
        self.counts = {}
        self.trip = None
        self.per_trip = []
        self.held = None      # while single-stepping: events held back
        self.new = []         # ... and the pages they touch without a T yet

    def count(self, k):
        self.counts[k] = self.counts.get(k, 0) + 1
        if self.trip is not None:
            self.trip[k] = self.trip.get(k, 0) + 1

    def reg(self, name):
        if name in self.regs:
            return int(self.regs[name].replace("_", ""), 16)
        raise KeyError(f"register {name} not in the trace (trace-reg off?)")

    def ea(self, operand):
        """Effective address of a Bochs memory operand: seg:[b+i*s+d] or seg:0x.."""
        m = re.search(r"\[([^\]]*)\]", operand)
        if not m:
            m = re.search(r":(0x[0-9a-f]+)", operand)
            return int(m.group(1), 16)
        total = 0
        for sign, term in re.findall(r"([+-]?)([^+-]+)", m.group(1)):
            term = term.strip()
            if "*" in term:
                r, s = term.split("*")
                v = self.reg(r) * int(s)
            elif term in REG64:
                v = self.reg(term)
            else:
                v = int(term, 0)
            total += -v if sign == "-" else v
        return total & 0xFFFFFFFFFFFFFFFF

    def emit(self, s):
        if self.held is None:
            self.out.write(s)
        else:
            self.held.append(s)

    def touch(self, lin):
        page = lin >> 12
        if page not in self.seen:
            self.seen.add(page)
            if self.held is not None and not self.translation(lin):
                self.new.append(lin)

    def walk_done(self, lin, phy):
        """Bochs walked before this access: the leaf's size and G bit."""
        level, entry = self.walk[-1]
        self.walk = []
        size = {"PTE": (12, "4k"), "PDE": (21, "2m"), "PDPTE": (30, "1g")}.get(level)
        if size is None:
            return
        shift, name = size
        frame = entry & 0x000FFFFFFFFFF000 & ~((1 << shift) - 1)
        if (phy >> shift) != (frame >> shift):
            return  # not this access's walk (a prefetch across a page?)
        g = (entry >> 8) & 1
        if self.translation(lin) != (name, g):
            self.set_translation(lin, shift, name, g)

    def set_translation(self, lin, shift, name, g):
        self.tpages[(shift, lin >> shift)] = (name, g)
        self.out.write(f"T {(lin >> shift) << shift:x} {name} {g}\n")

    def translation(self, lin):
        """(size, g) of lin's page as last emitted, or None."""
        for shift in (12, 21, 30):
            t = self.tpages.get((shift, lin >> shift))
            if t:
                return t
        return None

    def line(self, line):
        c = line[:1]
        if c == "(":
            if not line.startswith("(0)."):
                return  # a stop's "(0) [..]" display or "(0) Breakpoint"
            f = line.split(" ", 4)
            phy = int(f[1][3:-1], 16)
            lin = int(f[2].split(":", 1)[1], 16)
            if self.walk:
                self.walk_done(lin, phy)
            self.touch(lin)
            self.emit(f"I {lin:x} {phy:x}\n")
            self.count("I")
            text = f[4]
            if "cr" in text or "inv" in text:
                self.special(text.split("): ", 1)[1].split(" ; ")[0].strip())
        elif c == "[":
            if line[11:15] == "LIN ":
                kind = line[6:8]
                f = line.split(" ", 8)
                lin = int(f[3], 16)
                phy = int(f[5], 16)
                n = int(f[6][5:-1])
                if self.walk:
                    self.walk_done(lin, phy)
                self.touch(lin)
                if (lin + n - 1) >> 12 != lin >> 12:
                    self.touch(lin + n - 1)
                if kind == "RD":
                    self.emit(f"R {lin:x} {phy:x} {n}\n")
                    self.count("R")
                    if self.pending and n == 16:
                        self.descriptor(line)
                else:  # WR, RW
                    self.emit(f"W {lin:x} {phy:x} {n}\n")
                    self.count("W")
            elif "\t; " in line:  # one step of Bochs's own page walk
                data, level = line.rsplit("\t; ", 1)
                words = data.split("): ", 1)[1].split()
                entry = (int(words[0], 16) << 32) | int(words[1], 16)
                level = level.strip()
                if level == "PML4E":
                    self.walk = []
                self.walk.append((level, entry))
        elif c == "r" and (line[3:4] == ":" or line[2:4] == " :"):
            self.regs[line[:3].strip()] = line[5:22]

    def special(self, insn):
        op = insn.split(None, 1)
        if op[0] == "mov" and len(op) > 1:
            dst, src = [s.strip() for s in op[1].split(",", 1)]
            if dst == "cr3":
                self.emit(f"X {self.reg(src):x}\n")
                self.count("X")
            elif dst == "cr4":
                self.emit(f"E {self.reg(src):x}\n")
                self.count("E")
        elif op[0] == "invlpg":
            self.emit(f"G {self.ea(op[1]):x}\n")
            self.count("G")
        elif op[0] == "invpcid":
            reg, _ = [s.strip() for s in op[1].split(",", 1)]
            self.pending = self.reg(reg)  # the descriptor is the next 16-byte read

    def descriptor(self, line):
        words = [int(w, 16) for w in line.split("): ", 1)[1].split()]
        if len(words) == 4:  # two qwords, each high dword first
            lo = (words[0] << 32) | words[1]
            hi = (words[2] << 32) | words[3]
        else:
            lo, hi = words[0], words[-1]
        self.emit(f"V {self.pending:x} {lo & 0xfff:x} {hi:x}\n")
        self.count("V")
        self.pending = None


def page_info(bochs, lin):
    """(base, size, g) from the debugger's `page`, or None when unmapped."""
    leaf = None
    for line in bochs.cmd(f"page {lin:#x}"):
        m = re.match(r"\s*(PDPE|PDE|PTE):\s*(0x[0-9a-f]+)", line)
        if m:
            leaf = (m.group(1), int(m.group(2), 16))
    if not leaf:
        return None
    level, entry = leaf
    ps = (entry >> 7) & 1
    if level == "PTE":
        shift, size = 12, "4k"
    elif level == "PDE" and ps:
        shift, size = 21, "2m"
    elif level == "PDPE" and ps:
        shift, size = 30, "1g"
    else:
        return None
    return (shift, size, (entry >> 8) & 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flush", default="pcid",
                    help="build/FLUSH/slotgate.iso (pcid, invpcid, reload, invlpg)")
    ap.add_argument("--iso", help="boot this ISO instead (its kernel ELF: --kernel)")
    ap.add_argument("--kernel", help="the ISO's slotgate.elf (default build/FLUSH/slotgate.elf)")
    ap.add_argument("--row", default="slot", choices=sorted(ROWS))
    ap.add_argument("--ws", type=int, default=1,
                    help="working-set rows: the W (1, 2, 4 .. 1024) to trace")
    ap.add_argument("--trips", type=int, default=20, help="round trips traced (K)")
    ap.add_argument("--skip", type=int, default=0,
                    help="timed samples to let run before tracing (after the cold one and the 10 warm-ups)")
    ap.add_argument("--no-step", action="store_true",
                    help="do not single-step trip 1 (T lines then come only from Bochs's own walks and after M end)")
    ap.add_argument("--out", help="write the events here (default stdout)")
    ap.add_argument("--raw", type=int, default=0, metavar="N",
                    help="copy the first N raw Bochs lines of the traced region to stderr")
    ap.add_argument("--timeout", type=int, default=600, help="give up after this many seconds")
    a = ap.parse_args()

    iso = a.iso or os.path.join(ROOT, "build", a.flush, "slotgate.iso")
    kernel = a.kernel or os.path.join(os.path.dirname(iso), "slotgate.elf")
    program, body_sym = ROWS[a.row]
    app = os.path.join(ROOT, "build", "apps", program + ".elf")
    for f in (iso, kernel, app):
        if not os.path.exists(f):
            die(f"missing {f} (make all-isos)")
    body = nm_symbol(app, body_sym)
    body_bytes = first_insn_bytes(app, body)
    urm = nm_symbol(kernel, "user_run_module")
    param = a.ws if a.row.startswith("working-set") else 0
    first = 1 + a.skip

    out = open(a.out, "w") if a.out else sys.stdout
    t0 = time.monotonic()
    import signal
    signal.signal(signal.SIGALRM, lambda *_: die(f"timeout after {a.timeout} s"))
    signal.alarm(a.timeout)
    rundir = tempfile.mkdtemp(prefix="slotgate-trace.")
    bochs = Bochs(iso, rundir)
    parser = Parser(out)
    try:
        list(bochs.lines())  # to the first prompt
        # 1. wait for the program
        bochs.cmd(f"lb {urm:#x}")
        while True:
            bochs.send("c")
            if stop_of(bochs.lines()) != urm:
                die(f"the guest ended before program {program} ran")
            name = bochs.read_string(bochs.regs()["rdi"])
            if name == program:
                break
        bochs.cmd("d 1")
        # 2. to the first traced sample
        bochs.cmd(f"lb {body:#x}")
        while True:
            bochs.send("c")
            lines = list(bochs.lines())
            if stop_of(lines) != body:
                die("the guest ended before the row's timed samples")
            disp = [l for l in lines if l.startswith("(0) [")]
            if disp and not disp[-1].rstrip().endswith(body_bytes):
                continue  # another program's code at this address
            r = bochs.regs()
            if r["rdi"] == param and r["rsi"] == first:
                break
        t_boot = time.monotonic() - t0
        cr = {}
        for line in bochs.cmd("creg"):
            m = re.match(r"(CR[034])=(0x[0-9a-f]+)", line)
            if m:
                cr[m.group(1)] = int(m.group(2), 16)
        ret = bochs.read_u64(r["rsp"])
        bochs.cmd(f"lb {ret:#x}")
        out.write(f"M info row={a.row} param={param} flush={os.path.basename(os.path.dirname(iso))} "
                  f"body={body:#x} return={ret:#x} trips={a.trips}\n")
        out.write(f"C {cr['CR3']:x}\nE {cr['CR4']:x}\nM begin\n")
        bochs.cmd("trace-reg on")
        bochs.cmd("trace-mem on")
        bochs.cmd("trace on")
        bochs.raw_left = a.raw
        n0 = bochs.lines_read
        trips = 0
        out.write("M trip 1 begin\n")
        parser.trip = {}
        # Trip 1 single-stepped: after each instruction, the pages it touched
        # for the first time get their T line from `page`, in the address
        # space that instruction ran in, before its events are written.
        steps = 0
        while not a.no_step:
            parser.held = []
            bochs.send("s")
            at = None
            for line in bochs.lines():
                if line[:1] == "(" and line[:4] != "(0).":
                    m = re.match(r"\(\d+\) \[0x[0-9a-f]+\] [0-9a-f]+:([0-9a-f]+)", line)
                    if m:
                        at = int(m.group(1), 16)
                    continue
                parser.line(line)
            steps += 1
            held, parser.held = parser.held, None
            for lin in parser.new:
                if parser.translation(lin):
                    continue
                info = page_info(bochs, lin)
                if info:
                    parser.set_translation(lin, *info)
            parser.new = []
            out.write("".join(held))
            if at == ret:
                break
            if at is None or steps > 10_000_000:
                die("single-stepping trip 1 lost its way")
        while True:
            if steps:  # trip 1 was stepped to its return
                steps = 0
                at = ret
            else:
                bochs.send("c")
                at = None
                for line in bochs.lines():
                    if line[:1] == "(" and line[:4] != "(0).":
                        m = re.match(r"\(\d+\) Breakpoint \d+, (0x[0-9a-f]+)", line)
                        if m:
                            at = int(m.group(1), 16)
                        continue
                    parser.line(line)
            if at == ret:
                trips += 1
                out.write(f"M trip {trips} end\n")
                parser.per_trip.append(parser.trip)
                parser.trip = None
                if trips == a.trips:
                    break
            elif at == body:
                out.write(f"M trip {trips + 1} begin\n")
                parser.trip = {}
            else:
                die(f"unexpected stop at {at}")
        t_trace = time.monotonic() - t0 - t_boot
        raw_lines = bochs.lines_read - n0
        for c in ("trace off", "trace-mem off", "trace-reg off"):
            bochs.cmd(c)
        out.write("M end\n")
        # 3. translations Bochs did not walk during the trace
        done = set()
        for page in sorted(parser.seen):
            if page in done or parser.translation(page << 12):
                continue
            info = page_info(bochs, page << 12)
            if info is None:
                out.write(f"T {page << 12:x} ? ?\n")
                done.add(page)
                continue
            parser.set_translation(page << 12, *info)
    except EOFError:
        die("bochs exited early; see " + rundir)
    finally:
        bochs.close()
    out.flush()
    t_all = time.monotonic() - t0
    say(f"{a.row} param={param} trips={trips}: boot to first trip {t_boot:.1f} s, "
        f"trace {t_trace:.1f} s ({raw_lines} Bochs lines), total {t_all:.1f} s")
    say("events: " + " ".join(f"{k}={v}" for k, v in sorted(parser.counts.items())))
    for i, t in enumerate(parser.per_trip, 1):
        say(f"trip {i}: " + " ".join(f"{k}={v}" for k, v in sorted(t.items())))
    subprocess.run(["rm", "-rf", rundir])


if __name__ == "__main__":
    main()
