#!/usr/bin/env python3
"""check_bochsrc.py - the Bochs runs ask the host for nothing but files.

    python3 tests/check_bochsrc.py [--no-boot] ISO

Has scripts/qemu.sh write the bochsrc it boots ISO with (--bochsrc-only:
the same write_bochsrc, not a copy), parses it and checks that Bochs can
open no host device: the sound drivers are dummies, the PC speaker is off,
no plugin that reaches the host (game port, parallel port, sound cards,
network cards, USB, PCI pass-through) is loaded, the display library needs
no display server, the COM ports go to files or nowhere and no value names
a /dev path.  Then, unless --no-boot, boots ISO under Bochs with
ALSA_CONFIG_PATH pointing at an empty file (a host without a default
sound device: Bochs 2.7 aborted there when it opened ALSA) and wants the
kernel's `slotgate: exit 0`.  That boot alone would not catch a bochsrc
that opens ALSA again: qemu.sh also runs Bochs under LC_ALL=C, where the
failed open is logged and survived (the abort needed a UTF-8 locale); the
static cases do.  Prints KTAP; Debian 12's python3, no extras.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_SH = os.path.join(ROOT, "scripts", "qemu.sh")
BOOT_TIMEOUT = 240  # seconds; the reload test ISO takes about 15 s

# Display libraries that need no X/Wayland server and no terminal: rfb and
# vncsrv serve VNC on a TCP port, nogui shows nothing.
HEADLESS_DISPLAYS = {"nogui", "rfb", "vncsrv"}
# Loaded by default unless plugin_ctrl says 0, and able to reach the host:
# the game port opens /dev/input/js0, a parallel port writes its file.
DEFAULT_HOST_PLUGINS = ("gameport", "parallel")
# Loaded only on request (plugin_ctrl or their own directive): sound cards,
# network cards (host back ends), USB, PCI pass-through, 3D.
OPTIONAL_HOST_PLUGINS = ("sb16", "es1370", "ne2k", "e1000", "pcipnic",
                         "pcidev", "usb_uhci", "usb_ohci", "usb_ehci",
                         "usb_xhci", "voodoo")
SOUND_OUTPUTS = ("waveoutdrv", "waveindrv", "midioutdrv")
HOST_FREE_SOUND_DRIVERS = {"dummy", "file"}


def split_options(text):
    """'a, b=1, c="x, y"' -> ['a', 'b=1', 'c="x, y"'] (commas in quotes kept)."""
    return [p.strip() for p in re.findall(r'(?:[^,"]|"[^"]*")+', text) if p.strip()]


def unquote(value):
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def parse_bochsrc(text):
    """[(directive, {key: value}, [bare values])] in file order.  Raises
    ValueError on a line that is not 'directive: options'."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z0-9_-]+)\s*:\s*(.*)$", line)
        if not m:
            raise ValueError(f"line {number} is not 'directive: options': {line!r}")
        keys, bare = {}, []
        for part in split_options(m.group(2)):
            if "=" in part and not part.startswith('"'):
                key, value = part.split("=", 1)
                keys[key.strip().lower()] = unquote(value)
            else:
                bare.append(unquote(part))
        entries.append((m.group(1).lower(), keys, bare))
    return entries


def directives(entries, name):
    return [keys for d, keys, _ in entries if d == name]


def plugin_ctrl(entries):
    """Plugin name -> '0'/'1' as the plugin_ctrl lines leave it."""
    state = {}
    for keys in directives(entries, "plugin_ctrl"):
        state.update(keys)
    return state


def enabled(keys, default=True):
    return keys.get("enabled", "1" if default else "0") not in ("0", "false")


# --- the checks: each returns a list of problems (empty: passed) -----------

def check_sound(entries):
    """Every low-level sound driver is one that opens nothing on the host.
    Without a sound line Bochs uses the platform's (ALSA on Linux)."""
    drivers = {out: "default" for out in SOUND_OUTPUTS}
    for keys in directives(entries, "sound"):
        if "driver" in keys:
            drivers = {out: keys["driver"] for out in SOUND_OUTPUTS}
        for out in SOUND_OUTPUTS:
            if out in keys:
                drivers[out] = keys[out]
    return [f"sound {out}={drv} (not dummy: it opens the host's sound device)"
            for out, drv in drivers.items() if drv not in HOST_FREE_SOUND_DRIVERS]


def check_speaker(entries):
    """The PC speaker is off: its default mode=sound goes to the host's sound
    driver, mode=system to /dev/console.  mode=gui only tells the GUI."""
    if plugin_ctrl(entries).get("speaker") == "0":
        return []
    keys = {}
    for k in directives(entries, "speaker"):
        keys.update(k)
    if not enabled(keys) or keys.get("mode") == "gui":
        return []
    return [f"PC speaker enabled with mode={keys.get('mode', 'sound')} "
            "(want speaker: enabled=0 or plugin_ctrl: speaker=0)"]


def check_plugins(entries):
    state = plugin_ctrl(entries)
    problems = [f"plugin {p} is loaded (default): want plugin_ctrl: {p}=0"
                for p in DEFAULT_HOST_PLUGINS if state.get(p) != "0"]
    for p in OPTIONAL_HOST_PLUGINS:
        if state.get(p, "0") != "0":
            problems.append(f"plugin_ctrl loads {p}")
        if any(enabled(keys) for keys in directives(entries, p)):
            problems.append(f"a '{p}:' line enables {p}")
    return problems


def check_display(entries):
    """A display library that needs no display server or terminal; without
    a display_library line Bochs picks its first (wx here: needs X)."""
    libs = [bare[0] if bare else "" for d, _, bare in entries if d == "display_library"]
    if not libs:
        return ["no display_library line: Bochs would pick one that needs a display"]
    return [f"display_library {lib or '(empty)'} needs a display server or terminal"
            for lib in libs[-1:] if lib not in HEADLESS_DISPLAYS]


def check_com_ports(entries):
    """Every enabled COM port is a file (COM1: the serial log) or null."""
    problems = []
    ports = [(d, keys) for d, keys, _ in entries if re.fullmatch(r"com[1-4]", d)]
    if not any(d == "com1" for d, _ in ports):
        problems.append("no com1 line (the kernel's serial log)")
    for d, keys in ports:
        if not enabled(keys, default=(d == "com1")):
            continue
        mode = keys.get("mode", "null")
        if mode not in ("file", "null"):
            problems.append(f"{d} mode={mode} (want file or null)")
        elif mode == "file" and not keys.get("dev"):
            problems.append(f"{d} mode=file without dev=")
    com1 = [keys for d, keys in ports if d == "com1"]
    if com1 and com1[-1].get("mode") != "file":
        problems.append("com1 is not a file: the runner reads the kernel's exit from it")
    return problems


def check_dev_paths(entries):
    problems = []
    for d, keys, bare in entries:
        for value in list(keys.values()) + bare:
            if re.search(r"(^|[\s\"'=])/dev(/|$)", value):
                problems.append(f"{d}: names a host device: {value}")
    return problems


CHECKS = [
    ("sound_drivers_are_dummy", check_sound),
    ("pc_speaker_is_off", check_speaker),
    ("no_plugin_reaching_the_host", check_plugins),
    ("display_needs_no_display_server", check_display),
    ("com_ports_go_to_files_or_null", check_com_ports),
    ("no_host_device_path", check_dev_paths),
]


def quoted(line):
    """A line of qemu.sh output as a KTAP diagnostic: the runner would take
    'slotgate:' for a kernel suite's line and 'PANIC' for a kernel panic."""
    return "    # | " + line.replace("slotgate:", "slotgate>").replace("PANIC", "P4NIC")


def write_bochsrc(iso, workdir):
    """(text of the bochsrc qemu.sh writes, problems)."""
    proc = subprocess.run([QEMU_SH, "--bochsrc-only", workdir, iso],
                          capture_output=True, text=True, errors="replace")
    path = os.path.join(workdir, "bochsrc")
    if proc.returncode != 0 or not os.path.isfile(path):
        return "", [f"qemu.sh --bochsrc-only: status {proc.returncode}",
                    *proc.stderr.splitlines()[-5:]]
    with open(path) as f:
        return f.read(), []


def boot_without_alsa(iso, workdir):
    """Boot ISO under Bochs as on a host with no default sound device."""
    empty = os.path.join(workdir, "empty-alsa.conf")
    open(empty, "w").close()
    env = dict(os.environ, ACCEL="bochs", ALSA_CONFIG_PATH=empty)
    proc = subprocess.run([QEMU_SH, "--timeout", str(BOOT_TIMEOUT), iso], env=env,
                          capture_output=True, text=True, errors="replace")
    exits = re.findall(r"slotgate: exit (-?\d+)", proc.stdout)
    if proc.returncode == 0 and exits[-1:] == ["0"]:
        return []
    return [f"ACCEL=bochs ALSA_CONFIG_PATH=(empty file) qemu.sh: status "
            f"{proc.returncode}, kernel exit {exits[-1] if exits else 'missing'}",
            *(proc.stdout.splitlines()[-3:] + proc.stderr.splitlines()[-12:])]


def report(n, name, problems):
    for problem in problems:
        print(quoted(problem))
    print(f"{'not ok' if problems else 'ok'} {n} {name}")
    return bool(problems)


def main(argv):
    boot = "--no-boot" not in argv
    args = [a for a in argv if a != "--no-boot"]
    if len(args) != 1:
        print("usage: python3 tests/check_bochsrc.py [--no-boot] ISO", file=sys.stderr)
        return 2
    iso = args[0]
    tests = [("bochsrc_written_by_qemu_sh", None)] + CHECKS
    if boot:
        tests.append(("bochs_boots_without_alsa_default_device", None))
    print("KTAP version 1")
    print(f"1..{len(tests)}")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="check-bochsrc.") as workdir:
        text, problems = write_bochsrc(iso, workdir)
        entries = []
        if not problems:
            try:
                entries = parse_bochsrc(text)
            except ValueError as e:
                problems = [str(e)]
        failed += report(1, tests[0][0], problems)
        for n, (name, check) in enumerate(CHECKS, 2):
            failed += report(n, name, check(entries) if entries else
                             ["no bochsrc to check"])
        if boot:
            failed += report(len(tests), tests[-1][0], boot_without_alsa(iso, workdir))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
