#!/usr/bin/env python3
"""check_bench_plan.py - which ISO `make bench` boots under which
accelerator (scripts/bench.py plan()), on made-up hosts: a KVM host runs
every strategy its CPU can, each skip said; a host without KVM runs
reload under tcg; the exact references (icount, Bochs) are always there,
once each.  Also the --dry-run command line.  KTAP out."""
import os
import subprocess
import sys

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


CASES = [case_kvm_every_strategy, case_kvm_without_invpcid, case_kvm_without_pcid,
         case_no_kvm_is_tcg, case_paravirtual_kvm_is_tcg, case_references_once,
         case_dry_run_boots_nothing]


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
