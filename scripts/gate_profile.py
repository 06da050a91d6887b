#!/usr/bin/env python3
"""gate_profile.py - where one gate call's instructions go, by function.

    python3 scripts/gate_profile.py [--gate N | --syscall NR] [--skip K]
                                    [--elf ELF] [ISO]

Boots ISO (default build/reload/slotgate-quick.iso, whose bench programs
make the calls) under TCG stopped for gdb (scripts/qemu.sh, GDB=1), stops
the K-th SYSCALL of gate N (default 16, null's add: the null round trip;
144 is its trusted copy, 160 the CR3-mode one) - or of system call NR
(253: ipc_call) - at its first kernel instruction, single-steps it in gdb
until the caller runs again, and prints how many instructions each
function took (inlined functions and assembly labels count apart, as gdb
names them; ring-3 code is one line), their split into ring crossings,
bookkeeping, the swap and the driver (category() below), and the
sequence.  The count is the round trip but the caller's own SYSCALL
instruction.  Counts, not time: the same on every run.  Slow (gdb steps
every instruction): a few seconds per thousand.

Run by python3 it starts QEMU and gdb; gdb runs this same file as its
script (the part under `import gdb`).
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Where each part of the path goes in the split (docs/results.md): the
# ring crossings (SYSCALL/SYSRET with the caller's registers saved and
# restored), the swap (the build's strategy and the CR3 loads, the
# arguments reloaded after its C call), the driver's own ring-3 code, and
# the bookkeeping (every other kernel instruction: checks, the frame,
# counters, unlinking).
CROSSING = {"syscall_entry", "syscall_return", "beyond_plain", "ipc_entry",
            "ipc_return", "fastpath_call[enter]"}
SWAP = {"view_switch", "view_switch_ports", "flush_switch", "view_hide",
        "view_show", "tlb_write_pml4e", "tlb_write_cr3", "tlb_invlpg",
        "tlb_invlpg_list", "tlb_invpcid", "pcid_of", "pcid_give", "must_flush",
        "view_own_cr3", "view_enter_own", "view_load_own", "slot_cpu_reload",
        "gate_enter_own_space", "gate_leave_own_space",
        "fastpath_enter_own_space", "fastpath_leave_own_space",
        "fastpath_call[switched]", "ipc_fast_load_server",
        "ipc_fast_load_client", "this_cpu"}


def category(name):
    if name.startswith("(ring 3"):
        return "driver"
    if name in CROSSING:
        return "crossings"
    if name in SWAP or name.startswith(("flush_", "hw_")):
        return "swap"
    return "bookkeeping"


def in_gdb():
    import collections
    import gdb  # noqa: F401 (only inside gdb)
    gate, skip = int(os.environ["PROF_GATE"]), int(os.environ["PROF_SKIP"])
    number = int(os.environ["PROF_SYSCALL"]) or 0x100 + gate
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("target remote :1234")
    gdb.execute(f"break *syscall_entry if $rax == {number}")
    gdb.execute(f"ignore 1 {skip}")
    gdb.execute("continue")
    gdb.execute("delete")
    back = int(gdb.parse_and_eval("$rcx"))  # where SYSCALL returns to
    counts, order, n = collections.Counter(), [], 0
    while n < 200000:
        pc = int(gdb.parse_and_eval("$pc"))
        if pc == back:  # the caller again
            break
        if pc >= 0xffff800000000000:
            block = gdb.block_for_pc(pc)
            name = block.function.name if block and block.function else None
            if name is None:  # assembly: the symbol the address falls in
                sym = gdb.execute(f"info symbol {pc}", to_string=True)
                name = sym.split()[0] if "No symbol" not in sym else hex(pc)
        else:
            name = "(ring 3: driver or server)"
        counts[name] += 1
        if not order or order[-1][0] != name:
            order.append([name, 0])
        order[-1][1] += 1
        n += 1
        gdb.execute("stepi", to_string=True)
    what = f"gate {gate}" if number >= 0x100 else f"system call {number}"
    print(f"{what}: {n} instructions from the SYSCALL entry back to the caller")
    for name, c in counts.most_common():
        print(f"{c:7d}  {name}")
    split = collections.Counter()
    for name, c in counts.items():
        split[category(name)] += c
    print("split: " + ", ".join(f"{k} {split[k]}" for k in
                                ("crossings", "bookkeeping", "swap", "driver")))
    print("sequence: " + " ".join(f"{f}:{c}" for f, c in order))
    gdb.execute("kill")


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", type=int, default=16)
    ap.add_argument("--skip", type=int, default=15)
    ap.add_argument("--syscall", type=int, default=0,
                    help="profile this system call instead (10: ipc_call)")
    ap.add_argument("--elf", default=os.path.join(ROOT, "build", "reload", "slotgate.elf"))
    ap.add_argument("iso", nargs="?",
                    default=os.path.join(ROOT, "build", "reload", "slotgate-quick.iso"))
    args = ap.parse_args()
    qemu = subprocess.Popen([os.path.join(ROOT, "scripts", "qemu.sh"), "--timeout", "600",
                             args.iso], env=dict(os.environ, ACCEL="tcg", GDB="1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)  # QEMU listening on :1234
        out = subprocess.run(["gdb", "-batch", "-x", os.path.abspath(__file__), args.elf],
                             env=dict(os.environ, PROF_GATE=str(args.gate),
                                      PROF_SKIP=str(args.skip),
                                      PROF_SYSCALL=str(args.syscall)),
                             capture_output=True, text=True)
        lines = out.stdout.splitlines()
        start = next((i for i, l in enumerate(lines)
                      if l.startswith(("gate ", "system call "))), None)
        if start is None:
            sys.stderr.write(out.stdout[-2000:] + out.stderr[-2000:])
            return 1
        print("\n".join(l for l in lines[start:] if not l.startswith("[Inferior")))
        return 0
    finally:
        qemu.kill()
        qemu.wait()


if __name__ == "__main__":
    try:
        import gdb  # noqa: F401
    except ImportError:
        sys.exit(main())
    in_gdb()
