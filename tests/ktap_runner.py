#!/usr/bin/env python3
"""Run test suites that print KTAP and sum up their verdicts.

    python3 tests/ktap_runner.py [--timeout S] [--logdir build/test] SUITE...
    python3 tests/ktap_runner.py --self-test

Each SUITE is ``name=command``; the command runs through the shell with its
stdout and stderr combined, echoed live and saved to ``<logdir>/<name>.log``.

Only top-level KTAP lines count: ``KTAP version 1``, the plan ``1..N`` and
``ok N name [# SKIP reason]`` / ``not ok N name``. Any other text (the
kernel's boot log, ``#`` diagnostics, indented subtests) is ignored.

A suite fails as a whole (one extra failure, ``name: reason``) when: no KTAP
header, no plan, result count differs from the plan, test numbers out of
order or repeated, a line containing PANIC, a timeout, a non-zero exit
status, or, when its output holds ``slotgate:`` lines (kernel suites), the
last ``slotgate: exit N`` line is missing or N != 0, or when the launcher
said ``slotgate: cpus=N`` (scripts/qemu.sh) and the kernel's ``smp: F CPUs
found ..., S started`` line is missing or F or S is not N.

The last line printed is ``N passed, M failed`` (``, K skipped`` if K > 0);
the exit status is 0 iff M == 0.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 600.0
KILL_GRACE = 5.0

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HEADER_RE = re.compile(r"^KTAP version (\S+)\s*$")
PLAN_RE = re.compile(r"^1\.\.(\d+)\s*(?:#.*)?$")
RESULT_RE = re.compile(
    r"^(?P<ok>not ok|ok)\s+(?P<num>\d+)\b\s*(?:-\s*)?(?P<name>[^#]*?)\s*"
    r"(?:#\s*(?P<directive>.*?))?\s*$")
SKIP_RE = re.compile(r"^skip\b\s*(?P<reason>.*)$", re.IGNORECASE)
EXIT_RE = re.compile(r"slotgate: exit (-?\d+)\s*$")
CPUS_RE = re.compile(r"slotgate: cpus=(\d+)")
SMP_RE = re.compile(r"smp: (\d+) CPUs found.*?, (\d+) started")
# The host runner announces each case before running it (htest_main.c).
CASE_RE = re.compile(r"^# case (\d+) (\S+)\s*$")


@dataclass
class TestResult:
    number: int
    name: str
    status: str  # "pass", "fail" or "skip"
    reason: str = ""


@dataclass
class KtapResult:
    """What parse_ktap found; problems are whole-suite failures."""
    version: str = ""
    plan: int = -1
    tests: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def count(self, status):
        return sum(1 for t in self.tests if t.status == status)

    @property
    def passed(self):
        return self.count("pass")

    @property
    def failed(self):
        return self.count("fail")

    @property
    def skipped(self):
        return self.count("skip")


def clean_line(line):
    return ANSI_RE.sub("", line).rstrip("\r\n").replace("\r", "")


def parse_result_line(line):
    """An ``ok``/``not ok`` line as a TestResult, or None."""
    m = RESULT_RE.match(line)
    if not m:
        return None
    status = "pass" if m.group("ok") == "ok" else "fail"
    reason = ""
    skip = SKIP_RE.match(m.group("directive") or "")
    if skip:
        status, reason = "skip", skip.group("reason").strip()
    return TestResult(int(m.group("num")), m.group("name").strip(), status,
                      reason)


def check_slotgate_exit(lines, problems):
    """Kernel suites must end with ``slotgate: exit 0``."""
    if not any("slotgate:" in line for line in lines):
        return
    codes = [m.group(1) for m in map(EXIT_RE.search, lines) if m]
    if not codes:
        problems.append("no 'slotgate: exit 0' line")
    elif codes[-1] != "0":
        problems.append(f"slotgate: exit {codes[-1]}")


def check_cpus(lines, problems):
    """Every CPU the emulator was given must be found and started."""
    want = [m.group(1) for m in map(CPUS_RE.search, lines) if m]
    if not want:
        return
    got = [m.groups() for m in map(SMP_RE.search, lines) if m]
    if not got:
        problems.append(f"cpus={want[-1]} but no 'smp: ... started' line")
    elif got[-1] != (want[-1], want[-1]):
        problems.append(f"cpus={want[-1]} but the kernel found {got[-1][0]} "
                        f"and started {got[-1][1]}")


def parse_ktap(text):
    """Parse one suite's combined output into a KtapResult (pure)."""
    res = KtapResult()
    lines = [clean_line(line) for line in text.split("\n")]
    headers = 0
    expect = 1
    panicked = False
    started = None  # the last case announced with "# case N name"
    for line in lines:
        if "PANIC" in line and not panicked:
            panicked = True
            res.problems.append(f"line with PANIC: {line.strip()[:120]}")
        m = HEADER_RE.match(line)
        if m:
            headers += 1
            res.version = res.version or m.group(1)
            continue
        if not headers:
            continue
        m = CASE_RE.match(line)
        if m:
            started = (int(m.group(1)), m.group(2))
            continue
        m = PLAN_RE.match(line)
        if m:
            if res.plan >= 0:
                res.problems.append(f"second plan '{line.strip()}'")
            else:
                res.plan = int(m.group(1))
            continue
        t = parse_result_line(line)
        if t is None:
            continue
        if t.number != expect:
            res.problems.append(
                f"test number {t.number} where {expect} was expected")
        expect = t.number + 1
        res.tests.append(t)
    if not headers:
        res.problems.append("no KTAP header")
    else:
        if headers > 1:
            res.problems.append(f"{headers} KTAP headers (guest restarted?)")
        if res.version != "1":
            res.problems.append(f"KTAP version {res.version}, want 1")
        if res.plan < 0:
            res.problems.append("no plan")
        elif len(res.tests) != res.plan:
            res.problems.append(
                f"{len(res.tests)} results for a plan of {res.plan}")
        if started and not any(t.number == started[0] for t in res.tests):
            res.problems.append(
                f"case {started[0]} {started[1]} started and never ended"
                " (crashed?)")
    check_slotgate_exit(lines, res.problems)
    check_cpus(lines, res.problems)
    return res


# --- running suites ----------------------------------------------------------

@dataclass
class SuiteRun:
    name: str
    result: KtapResult
    seconds: float

    @property
    def ok(self):
        return not self.result.problems and self.result.failed == 0


def kill_group(proc):
    """SIGTERM the suite's process group, SIGKILL it if it lingers."""
    for sig, grace in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass


def pump(src, log, chunks):
    """Copy the child's output to stdout and the log as it arrives."""
    out = sys.stdout.buffer
    while True:
        data = os.read(src.fileno(), 65536)
        if not data:
            break
        chunks.append(data)
        log.write(data)
        log.flush()
        out.write(data)
        out.flush()


def run_command(command, timeout, log_path):
    """Run command; returns (output text, exit status, timed out)."""
    chunks = []
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command, shell=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        reader = threading.Thread(target=pump, args=(proc.stdout, log, chunks),
                                  daemon=True)
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout if timeout > 0 else None)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill_group(proc)
        except BaseException:
            kill_group(proc)
            raise
        finally:
            reader.join(timeout=KILL_GRACE)
        proc.stdout.close()
    text = b"".join(chunks).decode("utf-8", errors="replace")
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    return text, proc.returncode, timed_out


def run_suite(name, command, timeout, logdir):
    safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", name)
    start = time.monotonic()
    text, status, timed_out = run_command(
        command, timeout, os.path.join(logdir, safe + ".log"))
    seconds = time.monotonic() - start
    res = parse_ktap(text)
    if timed_out:
        res.problems.insert(0, f"timed out after {timeout:g} s")
    elif status != 0:
        res.problems.insert(0, f"exit status {status}")
    return SuiteRun(name, res, seconds)


# --- report ------------------------------------------------------------------

def final_line(passed, failed, skipped):
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} skipped" if skipped else "")


def report(runs):
    """Print failures and the summary; returns the number of failures."""
    print()
    for run in runs:
        for t in run.result.tests:
            if t.status == "fail":
                print(f"FAIL {run.name}: not ok {t.number} {t.name}")
        if run.result.problems:
            print(f"FAIL {run.name}: " + "; ".join(run.result.problems))
    width = max([len(r.name) for r in runs] + [5])
    print(f"{'suite':<{width}}  passed  failed  skipped  seconds")
    for r in runs:
        res = r.result
        failed = res.failed + (1 if res.problems else 0)
        print(f"{r.name:<{width}}  {res.passed:6d}  {failed:6d}  "
              f"{res.skipped:7d}  {r.seconds:7.1f}")
    passed = sum(r.result.passed for r in runs)
    skipped = sum(r.result.skipped for r in runs)
    failed = sum(r.result.failed + (1 if r.result.problems else 0)
                 for r in runs)
    print(final_line(passed, failed, skipped))
    sys.stdout.flush()
    return failed


# --- self-test ---------------------------------------------------------------

GOOD = """SeaBIOS boot noise
slotgate: boot
KTAP version 1
1..3
ok 1 first
# diagnostic: fine
ok 2 second # SKIP no PCID here
ok 3 - third
slotgate: exit 0
"""


def self_test_cases():
    """(label, transcript, passed, failed, skipped, problem substrings)."""
    return [
        ("good", GOOD, 2, 0, 1, []),
        ("good CRLF", GOOD.replace("\n", "\r\n"), 2, 0, 1, []),
        ("host suite, no slotgate lines",
         "KTAP version 1\n1..1\nok 1 a\n", 1, 0, 0, []),
        ("no header", "1..1\nok 1 a\n", 0, 0, 0, ["no KTAP header"]),
        ("missing plan", "KTAP version 1\nok 1 a\n", 1, 0, 0, ["no plan"]),
        ("count mismatch", "KTAP version 1\n1..3\nok 1 a\nok 2 b\n",
         2, 0, 0, ["2 results for a plan of 3"]),
        ("host case crashed",
         "KTAP version 1\n1..3\n# case 1 a\nok 1 a\n# case 2 b\n"
         "==1==ERROR: AddressSanitizer: heap-buffer-overflow\n",
         1, 0, 0, ["case 2 b started and never ended"]),
        ("host cases announced", "KTAP version 1\n1..1\n# case 1 a\nok 1 a\n",
         1, 0, 0, []),
        ("not ok", "KTAP version 1\n1..2\nok 1 a\nnot ok 2 b\n",
         1, 1, 0, []),
        ("panic", "KTAP version 1\n1..1\nok 1 a\nPANIC: #PF at 0\n",
         1, 0, 0, ["PANIC"]),
        ("duplicate number", "KTAP version 1\n1..2\nok 1 a\nok 1 b\n",
         2, 0, 0, ["test number 1 where 2 was expected"]),
        ("out of order", "KTAP version 1\n1..2\nok 2 b\nok 1 a\n",
         2, 0, 0, ["test number 2 where 1 was expected"]),
        ("skip only", "KTAP version 1\n1..1\nok 1 a # SKIP reason\n",
         0, 0, 1, []),
        ("kernel without exit line",
         "slotgate: accel=tcg (x)\nKTAP version 1\n1..1\nok 1 a\n",
         1, 0, 0, ["no 'slotgate: exit 0' line"]),
        ("kernel exit 1", GOOD.replace("exit 0", "exit 1"), 2, 0, 1,
         ["slotgate: exit 1"]),
        ("guest restarted", GOOD + GOOD, 4, 0, 2, ["KTAP headers"]),
        ("all cpus started",
         "slotgate: cpus=2\nsmp: 2 CPUs found (ACPI RSDT), 2 started\n" + GOOD,
         2, 0, 1, []),
        ("a cpu left out",
         "slotgate: cpus=2\nsmp: 2 CPUs found (ACPI RSDT), 1 started\n" + GOOD,
         2, 0, 1, ["found 2 and started 1"]),
        ("cpus not found", "slotgate: cpus=4\n" + GOOD, 2, 0, 1,
         ["no 'smp: ... started' line"]),
        ("indented subtest ignored",
         "KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n"
         "    not ok 1 inner\nok 1 outer\n", 1, 0, 0, []),
        ("boot log around results",
         "[pmm] 123 frames\nKTAP version 1\n1..1\n[vm] ok\nok 1 a\n"
         "random text ok 2\n", 1, 0, 0, []),
    ]


def self_test():
    for label, text, npass, nfail, nskip, want in self_test_cases():
        res = parse_ktap(text)
        got = (res.passed, res.failed, res.skipped)
        assert got == (npass, nfail, nskip), (label, got, res)
        for w in want:
            assert any(w in p for p in res.problems), (label, w, res.problems)
        assert want or not res.problems, (label, res.problems)
    t = parse_result_line("ok 7 - name with spaces # SKIP why not")
    assert (t.number, t.name, t.status, t.reason) == \
        (7, "name with spaces", "skip", "why not"), t
    assert final_line(3, 0, 0) == "3 passed, 0 failed"
    assert final_line(3, 1, 2) == "3 passed, 1 failed, 2 skipped"
    print(f"self-test: {len(self_test_cases()) + 3} checks passed")
    return 0


# --- main --------------------------------------------------------------------

def parse_suite(arg):
    name, sep, command = arg.partition("=")
    if not sep or not name or not command:
        raise argparse.ArgumentTypeError(f"want name=command, got '{arg}'")
    return name, command


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="seconds per suite, 0 = none (default %(default)g)")
    ap.add_argument("--logdir", default="build/test")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("suites", nargs="*", type=parse_suite, metavar="SUITE")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.suites:
        ap.error("no SUITE given")
    os.makedirs(args.logdir, exist_ok=True)
    runs = []
    try:
        for name, command in args.suites:
            print(f"=== {name}: {command}", flush=True)
            runs.append(run_suite(name, command, args.timeout, args.logdir))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return 0 if report(runs) == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
