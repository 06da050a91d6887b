#!/usr/bin/env python3
"""check_nmi.py - NMIs taken in ring 3, in a system call, and in ring 0
with the user's GS live, sent from outside.

    python3 tests/check_nmi.py [--smp N] ISO

Boots ISO (the nmitest ISO: `mode=nmitest`, kernel/nmitest.h) under QEMU
TCG with a monitor on a UNIX socket.  The kernel prints `nmi: ready NAME`
before each phase; this script then sends `nmi` through the monitor
(QEMU sends it to every CPU) every half second until the kernel prints the
phase's KTAP line.  The kernel counts the NMIs its paranoid entry
(stubs/trap.asm) took, by the state they landed in, and passes a phase
when NMI_TEST_WANT of them landed in that state.  The third phase holds
ring 0 with the user's GS base live (SWAPGS inside a system call), as
between SYSCALL and its SWAPGS: an entry that chose SWAPGS from the saved
CS would run its handler on the user's GS and fault.

Last the kernel prints `nmi: ready mce on cpu N` and holds the same
window open again; this script injects one machine check there (monitor
`mce N 1 STATUS MCG_STATUS 0 0`, bank 1, once: a second one while the
first is in progress is a shutdown).  With CR4.MCE on it is reported as
#MC, through the paranoid entry; the kernel prints the bank and stops
(status 1).  With CR4.MCE off QEMU would shut the machine down instead.

Prints KTAP: the kernel's three cases, then its own - every CPU took
NMIs (the halted APs too), the timer tick logged them, the machine check
was reported and stopped the kernel.  The kernel's other lines are
relayed indented, its PANIC and `slotgate:` words masked (the runner
reads those; here the panic is the expected end).  Debian 12's python3,
no extras.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_SH = os.path.join(ROOT, "scripts", "qemu.sh")
BOOT_TIMEOUT = 120  # seconds; a run takes about 5 s under TCG
NMI_PERIOD = 0.5

READY_RE = re.compile(r"^nmi: ready (\S+)$")
MCE_READY_RE = re.compile(r"^nmi: ready mce on cpu (\d+)")
MCE_STATUS = 0xb000000000000000  # MCi_STATUS: VAL, UC, EN
MCG_STATUS = 0x7                 # RIPV, EIPV, MCIP
RESULT_RE = re.compile(r"^(not ok|ok) (\d+) (\S+)")
CPU_RE = re.compile(r"^nmi: cpu (\d+): (\d+) in ring 3, (\d+) in ring 0, (\d+) in ring 0 with")
LOGGED_RE = re.compile(r"^nmi: cpu \d+ took \d+ NMI")
EXIT_RE = re.compile(r"slotgate: exit (\d+)")


class Monitor:
    """QEMU's human monitor on a UNIX socket; only writes, drains replies."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.sent = 0

    def send(self, command):
        if self.sock is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.path)
            s.setblocking(False)
            self.sock = s
        self.sock.sendall(command.encode() + b"\n")
        self.sent += 1
        try:
            while self.sock.recv(4096):
                pass
        except BlockingIOError:
            pass


def sender(monitor, phase_done, stop):
    while not stop.is_set() and not phase_done.is_set():
        try:
            monitor.send("nmi")
        except OSError:
            pass  # the socket appears a moment after QEMU starts
        phase_done.wait(NMI_PERIOD)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("iso")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="slotgate-nmi-")
    sock_path = os.path.join(tmp, "monitor.sock")
    env = dict(os.environ, ACCEL="tcg", SMP=str(args.smp),
               QEMU_EXTRA=f"-monitor unix:{sock_path},server=on,wait=off")
    proc = subprocess.Popen([QEMU_SH, "--timeout", str(BOOT_TIMEOUT), args.iso],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, text=True, errors="replace")
    monitor = Monitor(sock_path)
    stop = threading.Event()
    phase_done = None
    kernel_results, cpus, logged, exit_status, ready = [], {}, False, None, []
    mce_cpu, mce_lines = None, []
    for line in proc.stdout:
        line = line.rstrip("\r\n")
        print("  " + line.replace("PANIC", "(panic)").replace("slotgate:", "kernel:"),
              flush=True)
        m = MCE_READY_RE.match(line)
        if m:
            mce_cpu = int(m.group(1))
            time.sleep(0.3)  # into the spin, past the line's printing
            try:
                monitor.send(f"mce {mce_cpu} 1 {MCE_STATUS:#x} {MCG_STATUS:#x} 0 0")
            except OSError as e:
                print(f"# mce: {e}")
            continue
        if line.startswith("machine check on cpu") or "MC1_STATUS" in line or \
                "PANIC: machine check" in line:
            mce_lines.append(line)
        m = READY_RE.match(line)
        if m:
            ready.append(m.group(1))
            phase_done = threading.Event()
            threading.Thread(target=sender, args=(monitor, phase_done, stop),
                             daemon=True).start()
            continue
        m = RESULT_RE.match(line)
        if m:
            kernel_results.append((m.group(1) == "ok", m.group(3), line))
            if phase_done:
                phase_done.set()
            continue
        m = CPU_RE.match(line)
        if m:
            cpus[int(m.group(1))] = tuple(int(g) for g in m.groups()[1:])
        if LOGGED_RE.match(line):
            logged = True
        m = EXIT_RE.search(line)
        if m:
            exit_status = int(m.group(1))
    stop.set()
    if phase_done:
        phase_done.set()
    rc = proc.wait()
    try:
        os.unlink(sock_path)
    except OSError:
        pass
    os.rmdir(tmp)

    expected = ["nmi_in_ring3", "nmi_in_syscall", "nmi_in_syscall_with_user_gs"]
    cases = []
    for i, name in enumerate(expected):
        got = [r for r in kernel_results if r[1] == name]
        cases.append((bool(got) and got[0][0], name,
                      got[0][2].split("#", 1)[-1].strip() if got else "no result line"))
    every = len(cpus) == args.smp and all(sum(c) > 0 for c in cpus.values())
    cases.append((every, "nmi_reached_every_cpu", f"per CPU (ring 3, ring 0, user GS): {cpus}"))
    cases.append((logged, "nmi_logged_by_the_tick", "an 'nmi: cpu N took' line"))
    mce_ok = (mce_cpu is not None and len(mce_lines) == 3
              and f"machine check on cpu {mce_cpu}:" in mce_lines[0]
              and f"MC1_STATUS {MCE_STATUS:#x}" in mce_lines[1])
    cases.append((mce_ok and exit_status == 1 and rc == 1, "mce_reported_in_user_gs_window",
                  f"{len(mce_lines)} report lines, kernel exit {exit_status}, launcher status {rc}, "
                  f"{monitor.sent} monitor commands sent"))
    print("KTAP version 1")
    print(f"1..{len(cases)}")
    for i, (ok, name, why) in enumerate(cases, 1):
        print(f"{'' if ok else 'not '}ok {i} {name} # {why}")
    return 0 if all(c[0] for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
