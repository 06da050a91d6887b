#!/usr/bin/env python3
"""cycle_model.py - a MODEL of the cycles a round trip costs, from the TLB
simulator's counts (docs/tlb-simulation.md, "The cycle model").

    python3 scripts/cycle_model.py [--set NAME=VALUE ...] TLBSIM_JSON

    cycles = instructions x cpi
           + (level-1 misses that hit the second level) x its penalty
             (instruction and data side apart)
           + walk memory references x walk_ref
           + MOV to CR3 that flush x cr3 + MOV to CR3 with bit 63 x cr3_noflush
           + INVLPG x invlpg + INVPCID x invpcid

Every parameter is printed with its source.  They are published figures
where one was found, and most are not from the CPU whose TLB geometry the
counts come from (the source says which CPU each was measured on); cpi
has no published source at all and is a placeholder.  This is arithmetic
on simulated counts, never a measurement: put your own CPU's figures in
with --set and redo it.  TLBSIM_JSON is tlb_sweep.py's tlbsim.json (a
list of rows) or one line of build/tlbsim's output.
"""
import argparse
import json
import sys

# name -> (cycles, source).  One set for every geometry preset: nothing
# per-preset was found for Zen 2 (docs/tlb-simulation.md).
PARAMS = {
    "cpi": (1.0, "assumed, no published source: no CPI of kernel entry/exit "
            "code was found; the instruction term is the same for every "
            "strategy of equal length, so set your own"),
    "dtlb_l2_hit": (9, "Intel Top-down Microarchitecture Analysis model 3.31 "
                    "for Skylake client (pmu-tools skl_client_ratios.py, "
                    "Mem_STLB_Hit_Cost = 9): a model constant, Skylake"),
    "itlb_l2_hit": (14, "the same Skylake model, ITLB_Miss_Cycles = "
                    "14 x ITLB_MISSES.STLB_HIT + walk cycles"),
    "walk_ref": (12, "Intel 64 and IA-32 Optimization Reference Manual "
                 "(248966), Skylake client cache parameters: L2 hit 12 cycles; "
                 "each page-walk reference assumed to hit L2"),
    "cr3": (124, "D. Hansen, linux-mm 2015-06-09 (lore.kernel.org/r/"
            "55775749.3090004@intel.com): __flush_tlb() (MOV to CR3) "
            "124 cycles, Haswell Xeon"),
    "cr3_noflush": (124, "no published figure: taken equal to cr3 (MOV to "
                    "CR3 serializes with or without bit 63, SDM 3A \"Serializing Instructions\"; "
                    "the refills it spares are counted as walks)"),
    "invlpg": (216, "D. Hansen, same message: __flush_tlb_single() (INVLPG) "
               "216 cycles, Haswell Xeon"),
    "invpcid": (229, "D. Hansen, lore.kernel.org/r/5696E129.9000804@"
                "linux.intel.com (2016): INVPCID single-context ~1.85x a CR3 "
                "write on Skylake, x the 124 cycles above"),
}


def terms(row, p):
    """The model's terms for one tlbsim row, by name, in cycles."""
    def v(name):
        return p[name][0]
    noflush = row.get("cr3_noflush", 0.0)
    return {
        "instructions": row["instructions"] * v("cpi"),
        "l2_hits": (row["fetch_l1_misses"] - row["fetch_walks"]) * v("itlb_l2_hit")
        + (row["data_l1_misses"] - row["data_walks"]) * v("dtlb_l2_hit"),
        "walks": row["walk_refs"] * v("walk_ref"),
        "flushes": (row["cr3_writes"] - noflush) * v("cr3") + noflush * v("cr3_noflush")
        + row["invlpgs"] * v("invlpg") + row["invpcids"] * v("invpcid"),
    }


def cycles(row, p=PARAMS):
    """(total modelled cycles, the part that is TLB and flush work)."""
    t = terms(row, p)
    return sum(t.values()), t["l2_hits"] + t["walks"] + t["flushes"]


def with_overrides(sets):
    p = dict(PARAMS)
    for s in sets:
        name, _, val = s.partition("=")
        if name not in p or not val:
            sys.exit(f"cycle_model: --set {s}: known: {', '.join(p)}")
        p[name] = (float(val), "set on the command line")
    return p


def params_table(p=PARAMS):
    lines = ["| parameter | cycles | source |", "|---|---|---|"]
    lines += [f"| `{k}` | {v:g} | {src} |" for k, (v, src) in p.items()]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("tlbsim_json")
    args = ap.parse_args()
    p = with_overrides(args.set)
    with open(args.tlbsim_json) as f:
        text = f.read()
    rows = json.loads(text) if text.lstrip().startswith("[") else [json.loads(text)]
    print("MODEL, not a measurement: cycles = the terms below x the parameters")
    print(params_table(p))
    print()
    print("| mechanism | bench | W | preset | instr. term | L2-TLB hits | walks | "
          "flushes | modelled cycles |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = terms(r, p)
        print(f"| {r.get('mechanism', '-')} | {r.get('bench', '-')} | {r.get('param', '-')} "
              f"| {r['preset']} | {t['instructions']:.0f} | {t['l2_hits']:.0f} | "
              f"{t['walks']:.0f} | {t['flushes']:.0f} | {sum(t.values()):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
