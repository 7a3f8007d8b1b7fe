#!/usr/bin/env python3
"""CPython's own pickle timed on picklejar's benchmark workloads.

    bench_cpython.py time --dir DIR [--impl c,py] [--ops load,dump] [--budget SECS]
                          [--only NAME,...] [--out FILE]

The workload files (DIR/manifest.json and the pickles it lists) are written by
`picklejar bench workloads` (crates/bench: values built as picklejar_codec graphs and
written by picklejar_codec::dump with the CPython 3.13 profile; crates/bench/tests/cpython.rs
holds them to the bytes CPython 3.13's C pickler writes for the same values).

`time` times `pickle.loads` (and `pickle.dumps` of the loaded object at the file's
protocol) on every file, once with the C accelerator (`_pickle`) and once with the
pure-Python implementation, each in its own process, and prints one JSON document: per
workload, protocol, operation and implementation, the mean time per operation and a 95%
confidence interval (Student's t over samples). Like pyperformance's bm_pickle, each
process asserts which implementation it measures and refuses to run otherwise: the C run
requires `pickle.Unpickler is _pickle.Unpickler`, the pure-Python run sets
`sys.modules['_pickle'] = None` before importing pickle and requires that the classes come
from `pickle.py`. The garbage collector stays enabled, as in pyperformance.

Needs Python 3.8+ (protocol 5). Runs from any directory: it imports pjfixtures (the classes
the instance and numpy-like workloads name) from its own directory.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMES_SCHEMA = "picklejar-bench-cpython/1"

# ---------------------------------------------------------------------------------------
# timing

# two-sided 95% Student's t quantiles by degrees of freedom
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131,
        16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074,
        23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045,
        30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t95(df):
    if df in _T95:
        return _T95[df]
    for k in sorted(_T95):
        if k > df:
            return _T95[k]
    return 1.960


def measure(fn, budget, min_samples, max_samples, sample_target):
    """Mean time of fn() with a 95% interval: samples of `loops` calls each."""
    t0 = time.perf_counter()
    fn()  # warm-up and calibration
    one = time.perf_counter() - t0
    loops = max(1, int(sample_target / max(one, 1e-9)))
    if one > budget / 3:
        min_samples = min(min_samples, 3)
    samples = []
    start = time.perf_counter()
    while len(samples) < max_samples and (
            len(samples) < min_samples or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter() - t0) / loops)
    k = len(samples)
    mean = sum(samples) / k
    sd = math.sqrt(sum((s - mean) ** 2 for s in samples) / (k - 1)) if k > 1 else 0.0
    half = t95(k - 1) * sd / math.sqrt(k) if k > 1 else 0.0
    return {"mean_s": mean, "ci_low_s": max(mean - half, 1e-12), "ci_high_s": mean + half,
            "stdev_s": sd, "samples": k, "loops": loops}


def cmd_worker(args):
    if args.impl == "py":
        sys.modules['_pickle'] = None
    import pickle
    if args.impl == "c":
        import _pickle
        ok = (pickle.Unpickler is _pickle.Unpickler and pickle.Pickler is _pickle.Pickler
              and pickle.loads is _pickle.loads and pickle.dumps is _pickle.dumps)
        verified = "pickle.Unpickler is _pickle.Unpickler and pickle.Pickler is _pickle.Pickler"
    else:
        ok = (pickle.Unpickler.__module__ == "pickle" and pickle.Pickler.__module__ == "pickle"
              and pickle.loads is pickle._loads and pickle.dumps is pickle._dumps)
        verified = ("sys.modules['_pickle'] = None; pickle.Unpickler and pickle.Pickler "
                    "come from pickle.py")
    if not ok:
        raise RuntimeError("asked to time the %s pickle but found otherwise" % args.impl)
    sys.path.insert(0, HERE)
    import pjfixtures
    pjfixtures.install_numpy_stub()

    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    only = set(args.only.split(",")) if args.only else None
    ops = args.ops.split(",")
    results = []
    for w in manifest["workloads"]:
        if only and w["name"] not in only:
            continue
        with open(os.path.join(args.dir, w["file"]), "rb") as f:
            data = f.read()
        loads, dumps, proto = pickle.loads, pickle.dumps, w["protocol"]
        for op in ops:
            if op == "load":
                r = measure(lambda: loads(data), args.budget, 5, 40, args.sample)
            elif op == "dump":
                obj = loads(data)
                r = measure(lambda: dumps(obj, proto), args.budget, 5, 40, args.sample)
                del obj
            else:
                raise SystemExit("unknown op %r" % op)
            r.update({"workload": w["name"], "protocol": proto, "op": op, "bytes": w["bytes"]})
            results.append(r)
            print("  %-5s %-4s %-22s p%d %12.3f us  [%d x %d]" % (
                args.impl, op, w["name"], proto, r["mean_s"] * 1e6, r["samples"], r["loops"]),
                file=sys.stderr)
    v = sys.version_info
    json.dump({"implementation": args.impl, "verified": verified,
               "python": "%d.%d.%d" % (v[0], v[1], v[2]), "executable": sys.executable,
               "gc": "enabled", "results": results}, sys.stdout)


def cmd_time(args):
    runs = []
    for impl in args.impl.split(","):
        cmd = [sys.executable, os.path.abspath(__file__), "worker", "--impl", impl,
               "--dir", args.dir, "--ops", args.ops, "--budget", str(args.budget),
               "--sample", str(args.sample)]
        if args.only:
            cmd += ["--only", args.only]
        out = subprocess.check_output(cmd)
        runs.append(json.loads(out.decode("utf-8")))
    v = sys.version_info
    doc = {"schema": TIMES_SCHEMA, "python": "%d.%d.%d" % (v[0], v[1], v[2]),
           "executable": sys.executable, "confidence": 0.95, "runs": runs}
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd")
    for name in ("time", "worker"):
        t = sub.add_parser(name, help="time CPython's pickle on the workloads"
                           if name == "time" else argparse.SUPPRESS)
        t.add_argument("--dir", required=True)
        t.add_argument("--ops", default="load,dump")
        t.add_argument("--budget", type=float, default=1.0,
                       help="seconds of sampling per workload and operation (at least 5 "
                            "samples, 3 for operations slower than a third of it)")
        t.add_argument("--sample", type=float, default=0.05,
                       help="target seconds per sample (calls are batched to reach it)")
        t.add_argument("--only", default="")
        if name == "time":
            t.add_argument("--impl", default="c,py")
            t.add_argument("--out", default="")
        else:
            t.add_argument("--impl", required=True, choices=["c", "py"])
    args = ap.parse_args()
    if args.cmd == "time":
        cmd_time(args)
    elif args.cmd == "worker":
        cmd_worker(args)
    else:
        ap.print_help()
        sys.exit(2)


if __name__ == "__main__":
    main()
