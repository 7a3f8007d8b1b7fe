#!/usr/bin/env python3
"""Benchmark workloads for picklejar, and CPython's own pickle timed on them.

    bench_cpython.py generate --out DIR [--scale X] [--protocols 2,4,5] [--only NAME,...]
    bench_cpython.py time --dir DIR [--impl c,py] [--ops load,dump] [--budget SECS]
                          [--only NAME,...] [--out FILE]

`generate` pickles every workload at every protocol with this interpreter's C pickler into
DIR/<name>-p<protocol>.pkl and writes DIR/manifest.json. The objects are deterministic
(pyperformance's random data is seeded exactly as pyperformance seeds it), so two runs
write identical files; picklejar-bench's Rust fallback writes the same bytes when there is
no CPython.

`time` times `pickle.loads` (and `pickle.dumps` of the loaded object at the file's
protocol) on every file, once with the C accelerator (`_pickle`) and once with the
pure-Python implementation, each in its own process, and prints one JSON document: per
workload, protocol, operation and implementation, the mean time per operation and a 95%
confidence interval (Student's t over samples). Like pyperformance's bm_pickle, each
process asserts which implementation it measures and refuses to run otherwise: the C run
requires `pickle.Unpickler is _pickle.Unpickler`, the pure-Python run sets
`sys.modules['_pickle'] = None` before importing pickle and requires that the classes come
from `pickle.py`. The garbage collector stays enabled, as in pyperformance.

Needs Python 3.8+ (protocol 5). Runs from any directory: it imports pjfixtures from its own
directory.
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import random
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST_SCHEMA = "picklejar-bench-workloads/1"
# Bump when a workload changes (picklejar-bench regenerates files of another version;
# crates/bench/src/workloads.rs has the same number).
WORKLOADS_VERSION = 1
TIMES_SCHEMA = "picklejar-bench-cpython/1"
PROTOCOLS = (2, 4, 5)

# ---------------------------------------------------------------------------------------
# pyperformance bm_pickle data (pyperformance/data-files/benchmarks/bm_pickle/
# run_benchmark.py): DICT, TUPLE, DICT_GROUP (random.Random(5), every value becomes
# str(random() * sys.maxsize) because every key is a str), LIST, MICRO_DICT.

DICT = {
    'ads_flags': 0,
    'age': 18,
    'birthday': datetime.date(1980, 5, 7),
    'bulletin_count': 0,
    'comment_count': 0,
    'country': 'BR',
    'encrypted_id': 'G9urXXAJwjE',
    'favorite_count': 9,
    'first_name': '',
    'flags': 412317970704,
    'friend_count': 0,
    'gender': 'm',
    'gender_for_display': 'Male',
    'id': 302935349,
    'is_custom_profile_icon': 0,
    'last_name': '',
    'locale_preference': 'pt_BR',
    'member': 0,
    'tags': ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    'profile_foo_id': 827119638,
    'secure_encrypted_id': 'Z_xxx2dYx3t4YAdnmfgyKw',
    'session_number': 2,
    'signup_id': '201-19225-223',
    'status': 'A',
    'theme': 1,
    'time_created': 1225237014,
    'time_updated': 1233134493,
    'unread_message_count': 0,
    'user_group': '0',
    'username': 'collinwinter',
    'play_count': 9,
    'view_count': 7,
    'zip': ''}

TUPLE = (
    [265867233, 265868503, 265252341, 265243910, 265879514,
     266219766, 266021701, 265843726, 265592821, 265246784,
     265853180, 45526486, 265463699, 265848143, 265863062,
     265392591, 265877490, 265823665, 265828884, 265753032], 60)


def mutate_dict(orig_dict, random_source):
    new_dict = dict(orig_dict)
    for key, value in new_dict.items():
        rand_val = random_source.random() * sys.maxsize
        if isinstance(key, (int, bytes, str)):
            new_dict[key] = type(key)(rand_val)
    return new_dict


def dict_group():
    random_source = random.Random(5)  # Fixed seed, as pyperformance.
    return [mutate_dict(DICT, random_source) for _ in range(3)]


LIST = [[list(range(10)), list(range(10))] for _ in range(10)]

MICRO_DICT = dict((key, dict.fromkeys(range(10))) for key in range(100))


# ---------------------------------------------------------------------------------------
# picklejar's own workloads. `n(x)` scales a count (tests use small scales).

def make_workloads(scale):
    def n(x):
        return max(1, int(x * scale))

    sys.path.insert(0, HERE)
    import pjfixtures
    pjfixtures.install_numpy_stub()

    def ints():
        return list(range(n(1000000)))

    def str_float_dict():
        return {"key%d" % i: i * 0.5 for i in range(n(100000))}

    def unicode_strings():
        return [u"%d-\u00e9t\u00e9-\u4e2d\u6587" % i for i in range(n(100000))]

    def big_bytes():
        return bytes(bytearray(range(256))) * n(256 * 1024)

    def big_bytearray():
        return bytearray(big_bytes())

    def instances():
        return [pjfixtures.Plain(x=i, y=-i) for i in range(n(100000))]

    def shared_graph():
        leaves = [[i, "leaf%d" % i] for i in range(1000)]
        names = ["n%d" % i for i in range(1000)]
        nodes = [(leaves[i % 1000], leaves[(i * 7 + 3) % 1000], names[(i * 13) % 1000], i)
                 for i in range(n(100000))]
        return {"leaves": leaves, "nodes": nodes}

    def numpy_like():
        f8 = pjfixtures.np_simple_dtype("f8")
        arrays = []
        for k in range(n(500)):
            raw = struct.pack("<512d", *[k + j * 0.5 for j in range(512)])
            arrays.append(pjfixtures.np_array(f8, (512,), raw))
        return arrays

    return [
        ("pyperf_dict", PROTOCOLS, "pyperformance bm_pickle DICT: a 33-key user-profile dict",
         lambda: DICT),
        ("pyperf_tuple", PROTOCOLS, "pyperformance bm_pickle TUPLE: ([20 ints], 60)",
         lambda: TUPLE),
        ("pyperf_dict_group", PROTOCOLS,
         "pyperformance bm_pickle DICT_GROUP: 3 copies of DICT mutated with random.Random(5)",
         dict_group),
        ("pyperf_list", PROTOCOLS, "pyperformance bm_pickle LIST: 10 x [range(10), range(10)]",
         lambda: LIST),
        ("pyperf_micro_dict", PROTOCOLS,
         "pyperformance bm_pickle MICRO_DICT: 100 dicts of dict.fromkeys(range(10))",
         lambda: MICRO_DICT),
        ("ints_1m", PROTOCOLS, "list(range(1_000_000))", ints),
        ("str_float_dict_100k", PROTOCOLS, "{'key%d' % i: i * 0.5 for i in range(100_000)}",
         str_float_dict),
        ("unicode_100k", PROTOCOLS, "100,000 short non-ASCII strings ('%d-été-中文')",
         unicode_strings),
        ("bytes_64m", PROTOCOLS, "64 MiB bytes (protocol 2: _codecs.encode(str, 'latin1'))",
         big_bytes),
        ("bytearray_64m", (5,), "64 MiB bytearray at protocol 5 (BYTEARRAY8, in band)",
         big_bytearray),
        ("instances_100k", PROTOCOLS, "100,000 pjfixtures.Plain(x=i, y=-i): NEWOBJ + BUILD",
         instances),
        ("shared_graph", PROTOCOLS,
         "100,000 tuples sharing 1,000 lists and 1,000 strings: memo-heavy",
         shared_graph),
        ("numpy_like", PROTOCOLS,
         "500 numpy-style float64 arrays of 512 (numpy 1.x reduce form, shared dtype)",
         numpy_like),
    ]


def select(workloads, only):
    if not only:
        return workloads
    names = set(only.split(","))
    unknown = names - set(w[0] for w in workloads)
    if unknown:
        sys.exit("unknown workload(s): %s" % ", ".join(sorted(unknown)))
    return [w for w in workloads if w[0] in names]


def file_name(name, protocol):
    return "%s-p%d.pkl" % (name, protocol)


def cmd_generate(args):
    import pickle
    import _pickle
    if pickle.Pickler is not _pickle.Pickler:
        sys.exit("the C pickler is not in use; refusing to write workloads")
    if sys.version_info < (3, 8):
        sys.exit("protocol 5 needs Python 3.8+")
    protocols = [int(p) for p in args.protocols.split(",")]
    os.makedirs(args.out, exist_ok=True)
    entries = []
    for name, protos, description, build in select(make_workloads(args.scale), args.only):
        obj = build()
        for p in protos:
            if p not in protocols:
                continue
            data = pickle.dumps(obj, protocol=p)
            path = os.path.join(args.out, file_name(name, p))
            with open(path, "wb") as f:
                f.write(data)
            entries.append({
                "name": name, "protocol": p, "file": file_name(name, p), "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(), "description": description,
            })
        del obj
    v = sys.version_info
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "version": WORKLOADS_VERSION,
        "generator": "cpython-%d.%d.%d" % (v[0], v[1], v[2]),
        "scale": args.scale,
        "workloads": entries,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%d workload files in %s (%s)" % (len(entries), args.out, manifest["generator"]),
          file=sys.stderr)


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
    g = sub.add_parser("generate", help="write the workload pickles and manifest.json")
    g.add_argument("--out", required=True)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--protocols", default="2,4,5")
    g.add_argument("--only", default="")
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
    if args.cmd == "generate":
        cmd_generate(args)
    elif args.cmd == "time":
        cmd_time(args)
    elif args.cmd == "worker":
        cmd_worker(args)
    else:
        ap.print_help()
        sys.exit(2)


if __name__ == "__main__":
    main()
