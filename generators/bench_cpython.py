#!/usr/bin/env python3
"""CPython's own pickle timed (and counted) on picklejar's benchmark workloads.

    bench_cpython.py time --dir DIR [--impl c,py] [--ops load,dump] [--budget SECS]
                          [--sample SECS] [--only NAME,...] [--out FILE]
    bench_cpython.py once load|dump|stream FILE:PROTOCOL...
    bench_cpython.py memory --dir DIR [--records 10000,100000,1000000]

The workload files (DIR/manifest.json and the pickles it lists) are written by
`picklejar bench workloads` (crates/bench: values built as picklejar_codec graphs and
written by picklejar_codec::dump with the CPython 3.13 profile; crates/bench/tests/cpython.rs
holds them to the bytes CPython 3.13's C pickler writes for the same values).

`time` times loads and dumps (of the loaded object, at the file's protocol) on every file
with the C accelerator (`_pickle.loads`/`_pickle.dumps`, asserted to be what `pickle.loads`
and `pickle.dumps` are) and with the pure-Python implementation (`pickle._loads`/
`pickle._dumps`, asserted to run `pickle.py`'s `_Unpickler`/`_Pickler`, not `_pickle`'s),
in one process, their samples interleaved: for each workload and operation, the next
sample always goes to the implementation with the least sampling time so far, so a change
in the machine's load falls on both. As timeit does, the garbage collector is disabled
while sampling (and a collection runs before each workload and operation). Each sample
is a batch of calls (about --sample seconds); the output is, per workload, protocol,
operation and implementation, the mean time per call and a 95% confidence interval
(Student's t over the samples).

Before a dump is timed its output is checked: the C pickler's must be the workload file
byte for byte; the pure-Python pickler's too, or else (it differs from the C pickler in
places, e.g. str_float_dict_100k) the C pickler must write the file again from what it
wrote. A dump that fails the check is not timed: it is listed under "errors".

`once` is for callgrind (`picklejar bench instructions`): for each file it warms up with
`pickle.Unpickler(...).load()` (or `pickle.Pickler(...).dump()`, or for `stream`
`pickle.dumps`), which do not go through the counted functions, then makes exactly one
`_pickle.loads(data)` (C function `_pickle_loads`), `_pickle.dumps(obj, protocol)`
(`_pickle_dumps`) or, for `stream`, `pickle.Pickler(sink, protocol).dump(obj)`
(`_pickle_Pickler_dump`; the sink's `write` is `list.append`, so a payload of 64 KiB or
more handed to it whole is not copied) call with the garbage collector disabled; the
result is freed after the call returns. One JSON line per file: {"file", "op", "called",
"ok", "error"}; a dump or stream must be the file's bytes.

`memory` writes DIR/records_N.pkl (protocol 4) for each N: N user records (dicts of an int, two
strs, a float, a bool and a two-item list), and prints, per file, the bytes CPython's
`pickle.loads` result holds (and the peak during the load) per record under tracemalloc,
with the garbage collector disabled: `FILE held H B/unit peak P B/unit`. The example
`picklejar-bench-memory` (crates/bench/examples/memory.rs) prints the same for picklejar's
loaded graph: `cargo run --release -p picklejar-bench --example picklejar-bench-memory --
DIR/records_N.pkl:N ...`.

Needs Python 3.8+ (protocol 5). Runs from any directory: it imports pjfixtures (the classes
the instance and numpy-like workloads name) from its own directory.
"""
import argparse
import gc
import io
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMES_SCHEMA = "picklejar-bench-cpython/2"

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


def summarize(samples, loops):
    k = len(samples)
    mean = sum(samples) / k
    sd = math.sqrt(sum((s - mean) ** 2 for s in samples) / (k - 1)) if k > 1 else 0.0
    half = t95(k - 1) * sd / math.sqrt(k) if k > 1 else 0.0
    return {"mean_s": mean, "ci_low_s": max(mean - half, 1e-12), "ci_high_s": mean + half,
            "stdev_s": sd, "samples": k, "loops": loops}


def measure_interleaved(fns, budget, min_samples, max_samples, sample_target):
    """Times each of fns ({impl: fn}) in samples of batched calls, interleaved: the next
    sample goes to the implementation with the least sampling time so far. Stops when every
    implementation has its minimum and `budget` seconds per implementation have passed, or
    every one has max_samples. The GC is disabled while sampling, as timeit does."""
    perf = time.perf_counter
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        loops, least, spent, samples = {}, {}, {}, {}
        for impl, fn in fns.items():
            t0 = perf()
            fn()  # warm-up and calibration
            one = perf() - t0
            loops[impl] = max(1, int(sample_target / max(one, 1e-9)))
            least[impl] = min(min_samples, 3) if one > budget / 3 else min_samples
            spent[impl], samples[impl] = 0.0, []
        start = perf()
        total = budget * len(fns)
        while True:
            open_ = [i for i in fns if len(samples[i]) < max_samples]
            if not open_:
                break
            if perf() - start >= total and all(len(samples[i]) >= least[i] for i in fns):
                break
            impl = min(open_, key=lambda i: (spent[i], i))
            fn, n = fns[impl], loops[impl]
            t0 = perf()
            for _ in range(n):
                fn()
            dt = perf() - t0
            spent[impl] += dt
            samples[impl].append(dt / n)
    finally:
        if was_enabled:
            gc.enable()
    return {impl: summarize(samples[impl], loops[impl]) for impl in fns}


def implementations():
    """{"c": (loads, dumps, what was asserted), "py": (...)}, from one `import pickle`."""
    import pickle
    import _pickle
    c_ok = (pickle.Unpickler is _pickle.Unpickler and pickle.Pickler is _pickle.Pickler
            and pickle.loads is _pickle.loads and pickle.dumps is _pickle.dumps)
    py_ok = (pickle._Unpickler.__module__ == "pickle" and pickle._Pickler.__module__ == "pickle"
             and pickle._Unpickler is not _pickle.Unpickler
             and pickle._loads.__module__ == "pickle" and pickle._dumps.__module__ == "pickle"
             and pickle._loads is not _pickle.loads)
    if not c_ok:
        raise RuntimeError("pickle.loads/dumps are not _pickle's: cannot time the C pickler")
    if not py_ok:
        raise RuntimeError("pickle._loads/_dumps are not pickle.py's: cannot time it")
    return {
        "c": (_pickle.loads, _pickle.dumps,
              "pickle.loads is _pickle.loads and pickle.dumps is _pickle.dumps "
              "(pickle.Unpickler is _pickle.Unpickler)"),
        "py": (pickle._loads, pickle._dumps,
               "pickle._loads and pickle._dumps, running pickle.py's _Unpickler and _Pickler "
               "(not _pickle's), in the same process"),
    }


def mismatch(got, want):
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return ("output differs from the workload file: %d bytes written, %d expected, first "
            "difference at byte %d (wrote %s..., file has %s...)"
            % (len(got), len(want), at, got[at:at + 8].hex(), want[at:at + 8].hex()))


def check_dump(impl, dumps, obj, proto, data, c_loads, c_dumps):
    """None if impl's dump of obj may be timed, else why not."""
    try:
        out = dumps(obj, proto)
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return "dump failed: %r" % (e,)
    if out == data:
        return None
    if impl == "py":
        # pickle.py differs from _pickle in places; it is right if the C pickler writes the
        # workload file again from what it wrote
        try:
            if c_dumps(c_loads(out), proto) == data:
                return None
        except Exception:  # noqa: BLE001
            pass
    return mismatch(out, data)


def cmd_time(args):
    impls = implementations()
    wanted = args.impl.split(",")
    for i in wanted:
        if i not in impls:
            raise SystemExit("unknown implementation %r" % i)
    c_loads, c_dumps = impls["c"][0], impls["c"][1]
    sys.path.insert(0, HERE)
    import pjfixtures
    pjfixtures.install_numpy_stub()

    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    only = set(args.only.split(",")) if args.only else None
    ops = args.ops.split(",")
    results, errors = [], []
    for w in manifest["workloads"]:
        if only and w["name"] not in only:
            continue
        with open(os.path.join(args.dir, w["file"]), "rb") as f:
            data = f.read()
        proto = w["protocol"]
        for op in ops:
            if op == "load":
                fns = {i: (lambda loads=impls[i][0]: loads(data)) for i in wanted}
            elif op == "dump":
                obj = c_loads(data)
                fns = {}
                for i in wanted:
                    why = check_dump(i, impls[i][1], obj, proto, data, c_loads, c_dumps)
                    if why is None:
                        fns[i] = (lambda dumps=impls[i][1]: dumps(obj, proto))
                    else:
                        errors.append({"impl": i, "workload": w["name"], "protocol": proto,
                                       "op": op, "error": why})
                        print("  ERROR %-3s dump %s p%d: %s (not timed)" % (
                            i, w["name"], proto, why), file=sys.stderr)
            else:
                raise SystemExit("unknown op %r" % op)
            if not fns:
                continue
            rs = measure_interleaved(fns, args.budget, 5, 40, args.sample)
            for impl, r in sorted(rs.items()):
                r.update({"impl": impl, "workload": w["name"], "protocol": proto, "op": op,
                          "bytes": w["bytes"]})
                results.append(r)
                print("  %-3s %-4s %-22s p%d %12.3f us  [%d x %d]" % (
                    impl, op, w["name"], proto, r["mean_s"] * 1e6, r["samples"], r["loops"]),
                    file=sys.stderr)
            fns = None
            obj = None
    v = sys.version_info
    doc = {"schema": TIMES_SCHEMA, "python": "%d.%d.%d" % (v[0], v[1], v[2]),
           "executable": sys.executable, "confidence": 0.95,
           "gc": "disabled while sampling, as timeit",
           "interleaved": "one process; per workload and operation the next sample goes to "
                          "the implementation with the least sampling time so far",
           "verified": {i: impls[i][2] for i in wanted},
           "results": results, "errors": errors}
    text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


class Sink(object):
    """A file whose write() keeps what it is given (as list.append: no copy)."""


def cmd_once(args):
    import pickle
    import _pickle
    if not (pickle.loads is _pickle.loads and pickle.dumps is _pickle.dumps):
        raise SystemExit("pickle.loads/dumps are not _pickle's")
    sys.path.insert(0, HERE)
    import pjfixtures
    pjfixtures.install_numpy_stub()
    loads, dumps = _pickle.loads, _pickle.dumps
    for spec in args.files:
        path, _, proto = spec.rpartition(":")
        called, error = False, ""
        try:
            proto = int(proto)
            with open(path, "rb") as f:
                data = f.read()
            gc.collect()
            gc.disable()
            try:
                if args.op == "load":
                    pickle.Unpickler(io.BytesIO(data)).load()  # warm-up: not _pickle_loads
                    called = True
                    out = loads(data)  # the one counted call
                    del out
                elif args.op == "stream":
                    # pickle.dump to a file: the Pickler writes each frame to the file, and
                    # hands a payload of 64 KiB or more to its write() whole (no copy).
                    obj = pickle.Unpickler(io.BytesIO(data)).load()
                    dumps(obj, proto)  # warm-up: not _pickle_Pickler_dump
                    chunks = []
                    sink = Sink()
                    sink.write = chunks.append
                    p = pickle.Pickler(sink, proto)
                    called = True
                    p.dump(obj)  # the one counted call (_pickle_Pickler_dump)
                    out = b"".join(chunks)
                    if out != data:
                        error = mismatch(out, data)
                    del out, obj, chunks, p
                else:
                    obj = pickle.Unpickler(io.BytesIO(data)).load()
                    pickle.Pickler(io.BytesIO(), proto).dump(obj)  # warm-up: not _pickle_dumps
                    called = True
                    out = dumps(obj, proto)  # the one counted call
                    if out != data:
                        error = mismatch(out, data)
                    del out, obj
            finally:
                gc.enable()
        except Exception as e:  # noqa: BLE001 - reported per file
            error = repr(e)
        print(json.dumps({"file": path, "op": args.op, "called": called, "ok": not error,
                          "error": error}), flush=True)


def records(n):
    """The records of `memory`: what a program loading user data holds."""
    return [{'id': i, 'name': 'user%d' % i, 'email': 'user%d@example.com' % i,
             'score': i * 0.5, 'active': i % 2 == 0, 'tags': ['a', 'b']} for i in range(n)]


def cmd_memory(args):
    import pickle
    import tracemalloc
    os.makedirs(args.dir, exist_ok=True)
    for n in [int(x) for x in args.records.split(",") if x]:
        path = os.path.join(args.dir, "records_%d.pkl" % n)
        data = pickle.dumps(records(n), 4)
        with open(path, "wb") as f:
            f.write(data)
        gc.collect()
        gc.disable()
        try:
            tracemalloc.start()
            obj = pickle.loads(data)
            held, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del obj
        finally:
            gc.enable()
        print("%s held %.1f B/unit peak %.1f B/unit" % (path, held / n, peak / n), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd")
    t = sub.add_parser("time", help="time CPython's pickle on the workloads")
    t.add_argument("--dir", required=True)
    t.add_argument("--ops", default="load,dump")
    t.add_argument("--impl", default="c,py")
    t.add_argument("--budget", type=float, default=1.0,
                   help="seconds of sampling per workload, operation and implementation "
                        "(at least 5 samples each, 3 for calls slower than a third of it)")
    t.add_argument("--sample", type=float, default=0.05,
                   help="target seconds per sample (calls are batched to reach it)")
    t.add_argument("--only", default="")
    t.add_argument("--out", default="")
    o = sub.add_parser("once", help="one counted _pickle.loads, _pickle.dumps or (stream) "
                                    "Pickler(file).dump per file (for callgrind)")
    o.add_argument("op", choices=["load", "dump", "stream"])
    o.add_argument("files", nargs="+", metavar="FILE:PROTOCOL")
    m = sub.add_parser("memory", help="bytes per record of pickle.loads under tracemalloc "
                                      "(writes the record files)")
    m.add_argument("--dir", required=True)
    m.add_argument("--records", default="10000,100000,1000000")
    args = ap.parse_args()
    if args.cmd == "memory":
        cmd_memory(args)
    elif args.cmd == "time":
        cmd_time(args)
    elif args.cmd == "once":
        cmd_once(args)
    else:
        ap.print_help()
        sys.exit(2)


if __name__ == "__main__":
    main()
