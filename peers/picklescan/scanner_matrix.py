#!/usr/bin/env python3
"""The scanner x evasion matrix, from the results of picklescan, modelscan and fickling-scan.

    python3 peers/picklescan/scanner_matrix.py [RESULTS.json ...]

Without arguments it reads reports/matrix/<peer>/results.json (`picklejar matrix`), else
reports/conformance/<peer>.json (`picklejar conformance ... --json reports/conformance/<peer>.json`).
Prints, as markdown, each scanner's verdict counts over its imports/... trials and over
imports/evasion/**, then one row per evasion case, grouped by technique class:
caught (every variant, at the default options, reports every global CPython 3.13 looks up;
"+extra" when it also reports more), missed (some variant's find is missing) or crashed.
"""
import collections, json, os, sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PEERS = ["picklescan", "modelscan", "fickling-scan"]
CLASSES = [  # technique class -> the evasion cases (corpus/evasion/<case>)
    ("How the global is named", ["stack_global_memo", "memo_out_of_order", "stack_global_escaped_names",
                                 "ext_code", "global_dotted_module_hop", "global_posix_alias", "global_py2_builtin"]),
    ("Calls without REDUCE", ["inst_call", "obj_call", "newobj_ex_call", "build_setstate_attribute", "pop_hidden_call"]),
    ("Computed or indirect callables", ["getattr_chain", "importlib_import_module", "operator_attrgetter",
                                        "pkgutil_resolve_name", "pydoc_locate", "copyreg_reconstructor", "nested_pickle_loads"]),
    ("Callables missing from block lists", ["code_interactive_interpreter", "pip_main", "runpy_run_code"]),
    ("Stream structure and parser differentials", ["payload_then_garbage", "payload_then_second_pickle",
                                                   "second_pickle_hidden", "opcode_version_dependent"]),
    ("Containers", ["gzip_payload", "zip_payload"]),
]

def load(paths):
    if not paths:
        for peer in PEERS:
            for p in (f"reports/matrix/{peer}/results.json", f"reports/conformance/{peer}.json"):
                if os.path.exists(os.path.join(ROOT, p)):
                    paths.append(os.path.join(ROOT, p))
                    break
            else:
                sys.exit(f"scanner_matrix: no results for {peer}: run `picklejar matrix --only {peer}`")
    return [c for p in paths for c in json.load(open(p))["codecs"]]

def cell(trials, case):
    got = [t for t in trials if t["case"] == f"evasion/{case}"]
    default = [t["verdict"] for t in got if "@" not in t["name"]]
    if not default:
        return "no trial"
    text = ("crashed" if "crash" in default or "timeout" in default else
            "missed" if "fail" in default else "caught+extra" if "extra" in default else "caught")
    others = {t["verdict"] for t in got if "@" in t["name"]} - {"pass", "extra"}
    if others and text.startswith("caught"):
        text += " (not with other options: %s)" % ", ".join(sorted(others))
    return text

def main():
    codecs = load(sys.argv[1:])
    print("| scanner | version | imports trials: pass / fail / extra / crash | imports/evasion/**: pass / fail / extra / crash |")
    print("|---|---|---|---|")
    for c in codecs:
        imp = [t for t in c["trials"] if t["kind"] == "imports"]
        eva = [t for t in imp if t["category"] == "evasion"]
        n = lambda ts: " / ".join(str(collections.Counter(t["verdict"] for t in ts)[v]) for v in ("pass", "fail", "extra", "crash"))
        print(f"| {c['codec']['name']} | {c['codec']['version']} | {n(imp)} ({len(imp)}) | {n(eva)} ({len(eva)}) |")
    print()
    print("| class | evasion case | " + " | ".join(c["codec"]["name"] for c in codecs) + " |")
    print("|---|---|" + "---|" * len(codecs))
    for cls, cases in CLASSES:
        for case in cases:
            print(f"| {cls} | {case} | " + " | ".join(cell(c["trials"], case) for c in codecs) + " |")
    totals = [collections.Counter(cell(c["trials"], k).split(" ")[0].split("+")[0].rstrip("*")
                                  for _, ks in CLASSES for k in ks) for c in codecs]
    print("| **total** | %d cases | " % sum(len(k) for _, k in CLASSES) + " | ".join(
        "%d caught, %d missed, %d crashed" % (t["caught"], t["missed"], t["crashed"]) for t in totals) + " |")
    print("\nContainers: a scanner's imports trial gets the file as it is (the gzip stream, the zip "
          "archive), as a user would scan it (crates/runner/src/trial.rs).")

main()
