#!/usr/bin/env python3
"""check_bench_plan.py - which ISO `make bench` boots under which
accelerator (scripts/bench.py plan()), on made-up hosts: a KVM host runs
every strategy its CPU can, each skip said; a host without KVM runs
reload under tcg; the exact references (icount, Bochs) are always there,
once each.  Also the --dry-run command line, and the cycle table's
core-cycle column (APERF/MPERF) and the PMU's TLB walks from made-up
COM1 logs, as a PC's would read: shown (the core figure starred where
the row was not all C0), or said to be absent and why.  KTAP out."""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bench  # noqa: E402

KVM_HOST = {"kvm_usable": True, "flags": {"vmx", "pcid", "invpcid", "nx"}}
REFS = [("icount", "b/reload/i.iso"), ("icount", "b/invlpg/i.iso"),
        ("icount", "linux"), ("bochs", "b/pcid/i.iso"), ("bochs", "b/invpcid/i.iso")]


def runs_of(accel, host):
    return bench.plan(accel, host, "b", "i.iso")


def case_kvm_every_strategy():
    runs, notes = runs_of("auto", KVM_HOST)
    want = [("kvm", f"b/{f}/i.iso") for f in ("reload", "invlpg", "pcid", "invpcid")]
    return runs == want + [("kvm", "linux")] + REFS and not notes


def case_kvm_without_invpcid():
    runs, notes = runs_of("kvm", {"kvm_usable": True, "flags": {"svm", "pcid"}})
    kvm = [iso for a, iso in runs if a == "kvm"]
    return (kvm == ["b/reload/i.iso", "b/invlpg/i.iso", "b/pcid/i.iso", "linux"]
            and len(notes) == 1 and "invpcid skipped" in notes[0] and "invpcid" in notes[0])


def case_kvm_without_pcid():
    runs, notes = runs_of("kvm", {"kvm_usable": True, "flags": {"vmx"}})
    kvm = [iso for a, iso in runs if a == "kvm"]
    return (kvm == ["b/reload/i.iso", "b/invlpg/i.iso", "linux"] and len(notes) == 2
            and all("skipped" in n and "pcid" in n for n in notes))


def case_no_kvm_is_tcg():
    runs, _ = runs_of("auto", {"kvm_usable": False, "flags": {"vmx", "pcid"}})
    return runs == [("tcg", "b/reload/i.iso"), ("tcg", "linux")] + REFS


def case_paravirtual_kvm_is_tcg():
    # /dev/kvm usable but no vmx/svm: never used automatically (SPEC §4).
    runs, _ = runs_of("auto", {"kvm_usable": True, "flags": {"pcid"}})
    return runs[0] == ("tcg", "b/reload/i.iso")


def case_references_once():
    for accel in ("auto", "tcg", "icount", "bochs", "kvm"):
        runs, _ = runs_of(accel, KVM_HOST)
        if any(runs.count(r) != 1 for r in REFS) or len(set(runs)) != len(runs):
            return False
    return True


def case_dry_run_boots_nothing():
    p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench.py"),
                        "--plan", "tcg", "--builds", "b", "--iso", "i.iso", "--dry-run"],
                       capture_output=True, text=True)
    lines = p.stdout.split()
    return (p.returncode == 0 and "bochs=b/invpcid/i.iso" in lines
            and lines[0] == "tcg=b/reload/i.iso" and "booting" not in p.stderr)


def bench_line(mech, median, bench="roundtrip", param=0, **core):
    row = {"mechanism": mech, "bench": bench, "param": param, "median": median,
           "p10": median, "p90": median, "min": median, "max": median, "n": 2000,
           "cold": median, "overhead": 0, "unit": "tsc", "counters_per": 2000}
    return "BENCH " + json.dumps(dict(row, **core))


def table_from_log(env, lines):
    """bench.py's table for a saved COM1 log (pc=log:FILE), as printed."""
    env = dict({"vendor": "GenuineIntel", "cpu": "made up", "tsc_hz": 3000000000,
                "tsc_source": "cpuid-0x15", "invariant_tsc": 1, "flush": "reload"}, **env)
    log = "\n".join(["BENCH_ENV " + json.dumps(env)] + lines +
                    ['BENCH_DONE {"error":0,"exit":0}']) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "com1.log")
        with open(path, "w") as f:
            f.write(log)
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench.py"),
                            "--out", tmp, f"pc=log:{path}"], capture_output=True, text=True)
        with open(os.path.join(tmp, "results.csv")) as f:
            csv_text = f.read()
    return p.returncode, p.stdout, csv_text


def row_of(out, mech):
    return next((l.split() for l in out.splitlines() if l.split()[:1] == [mech]), [])


def case_table_core_cycles():
    # A turbo row (core 1.4 x the reference) and one whose window was 10%
    # idle: its figure is starred.
    rc, out, csv_text = table_from_log(
        {"aperfmperf": 1, "core_clock": "aperf/mperf"},
        [bench_line("timer", 20),
         bench_line("syscall", 100, core_median=140, core_milli=1400, c0_milli=1000),
         bench_line("slot-reload", 500, core_median=700, core_milli=1400, c0_milli=900)])
    head = next((l.split() for l in out.splitlines() if "mechanism" in l), [])
    sysc, slot = row_of(out, "syscall"), row_of(out, "slot-reload")
    return (rc == 0 and "core" in head and head.index("core") == head.index("ns") + 1
            and sysc[head.index("core")] == "140" and slot[head.index("core")] == "700*"
            and "core clock: IA32_APERF/MPERF" in out and ",140," in csv_text)


def case_table_no_core_says_why():
    rc, out, _ = table_from_log(
        {"aperfmperf": 0, "core_clock": "none: CPUID.06H:ECX[0] is 0"},
        [bench_line("timer", 20), bench_line("syscall", 100)])
    head = next((l.split() for l in out.splitlines() if "mechanism" in l), [])
    return (rc == 0 and "core" not in head and row_of(out, "syscall")[1] == "100"
            and "core clock: none: CPUID.06H:ECX[0] is 0; no core-cycle column" in out
            and "pin the CPU frequency" in out)


def case_table_pmu_walks():
    # 2000 round trips: 60 instructions, 0.01 load walks, 0.02 fetch walks
    # each; a working-set point with 100 round trips and 50 walks.
    pmu = {"pmu_instructions": 120000, "pmu_dtlb_load_walks": 20,
           "pmu_dtlb_store_walks": 0, "pmu_itlb_walks": 40}
    rc, out, csv_text = table_from_log(
        {"pmu": "intel-hsw..icl: 4 events"},
        [bench_line("timer", 20), bench_line("syscall", 100, **pmu),
         bench_line("slot-reload", 300, "working-set", 4, counters_per=100,
                    pmu_dtlb_load_walks=30, pmu_itlb_walks=20)])
    sysc = next((l for l in out.splitlines() if l.split()[:1] == ["syscall"]), "")
    ws = next((l for l in out.splitlines() if l.split()[:1] == ["4"]), "")
    return (rc == 0 and sysc.endswith("| instr 60 dtlb-ld 0.01 dtlb-st 0 itlb 0.02")
            and "walks 0.50)" in ws
            and "TLB walks: counted by the PMU (intel-hsw..icl: 4 events)" in out
            and ",120000," in csv_text)


def case_table_no_pmu_says_why():
    rc, out, _ = table_from_log({"pmu": "none: the counters do not count"},
                                [bench_line("timer", 20), bench_line("syscall", 100)])
    sysc = next((l for l in out.splitlines() if l.split()[:1] == ["syscall"]), "")
    return (rc == 0 and "|" not in sysc
            and "TLB walks: not counted (none: the counters do not count)" in out)


CASES = [case_kvm_every_strategy, case_kvm_without_invpcid, case_kvm_without_pcid,
         case_no_kvm_is_tcg, case_paravirtual_kvm_is_tcg, case_references_once,
         case_dry_run_boots_nothing, case_table_core_cycles, case_table_no_core_says_why,
         case_table_pmu_walks, case_table_no_pmu_says_why]


def main():
    print("KTAP version 1")
    print(f"1..{len(CASES)}")
    failed = 0
    for n, case in enumerate(CASES, 1):
        ok = case()
        failed += not ok
        print(f"{'ok' if ok else 'not ok'} {n} bench_plan_{case.__name__[5:]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
