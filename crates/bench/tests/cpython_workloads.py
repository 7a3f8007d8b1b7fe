"""The bench workloads built as Python values and pickled by this interpreter's C pickler:
the reference `tests/cpython.rs` holds picklejar-bench's graphs (`src/values.rs`, written
by picklejar_codec::dump) to, byte for byte.

    python3.13 cpython_workloads.py --out DIR [--scale X] [--scale-of NAME=X]...

writes DIR/<name>-p<protocol>.pkl for every workload and DIR/index.json. Counts are
`max(1, int(count * scale))`, as in src/values.rs; `--scale-of` sets one workload's scale.

The classes are stand-ins with the names and reductions of generators/pjfixtures.py's
(`pjfixtures.Plain`, its numpy 1.x look-alikes), registered in sys.modules so the pickler
finds them by name.
"""
import argparse
import datetime
import json
import os
import pickle
import struct
import sys
import types

PROTOCOLS = (2, 4, 5)

# ---------------------------------------------------------------------------------------
# pyperformance bm_pickle data (pyperformance/data-files/benchmarks/bm_pickle/
# run_benchmark.py): DICT, TUPLE, DICT_GROUP, LIST, MICRO_DICT.

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


class Weyl(object):
    """Stands in for pyperformance's random.Random(5): the i-th call (from 1) returns
    (((i * 0x9E3779B97F4A7C15) % 2**64) >> 11) / 2**53, exact in any language."""

    def __init__(self):
        self.i = 0

    def random(self):
        self.i += 1
        return (((self.i * 0x9E3779B97F4A7C15) % 2**64) >> 11) / 2**53


def mutate_dict(orig_dict, random_source):
    new_dict = dict(orig_dict)
    for key, value in new_dict.items():
        rand_val = random_source.random() * sys.maxsize
        if isinstance(key, (int, bytes, str)):
            new_dict[key] = type(key)(rand_val)
    return new_dict


def dict_group():
    random_source = Weyl()
    return [mutate_dict(DICT, random_source) for _ in range(3)]


LIST = [[list(range(10)), list(range(10))] for _ in range(10)]

MICRO_DICT = dict((key, dict.fromkeys(range(10))) for key in range(100))


# ---------------------------------------------------------------------------------------
# stand-ins for pjfixtures' classes

def _module(name, **attrs):
    m = types.ModuleType(name)
    for k, v in attrs.items():
        v.__module__ = name
        v.__name__ = v.__qualname__ = k
        setattr(m, k, v)
    sys.modules[name] = m
    return m


class Plain(object):
    """pjfixtures.Plain: state is its __dict__."""

    def __init__(self, **kw):
        for k in sorted(kw):
            setattr(self, k, kw[k])


class NpDtype(object):
    """numpy.dtype: reduces to (dtype, (str, False, True), state-tuple)."""

    def __init__(self, obj, state):
        self.obj = obj
        self.state = state

    def __reduce__(self):
        return (NpDtype, (self.obj, False, True), self.state)


class NpNdarray(object):
    """numpy.ndarray (1.x): reduces to (_reconstruct, (ndarray, (0,), b'b'), (1, shape,
    dtype, is_fortran, rawdata))."""

    def __init__(self, state):
        self.rargs = (NpNdarray, (0,), b'b')
        self.state = state

    def __reduce_ex__(self, proto):
        return (np_reconstruct, self.rargs, self.state)


def np_reconstruct(subtype, shape, dtype):
    raise NotImplementedError("pickled, never called")


_module('pjfixtures', Plain=Plain)
_module('numpy', ndarray=NpNdarray, dtype=NpDtype)
_module('numpy.core')
_module('numpy.core.multiarray', _reconstruct=np_reconstruct)


# ---------------------------------------------------------------------------------------

def big_bytes(n):
    return bytes(bytearray(range(256))) * n(256 * 1024)


def shared_graph(n):
    leaves = [[i, "leaf%d" % i] for i in range(1000)]
    names = ["n%d" % i for i in range(1000)]
    nodes = [(leaves[i % 1000], leaves[(i * 7 + 3) % 1000], names[(i * 13) % 1000], i)
             for i in range(n(100000))]
    return {"leaves": leaves, "nodes": nodes}


def numpy_like(n):
    f8 = NpDtype("f8", (3, '<', None, None, None, -1, -1, 0))
    return [NpNdarray((1, (512,), f8, False,
                       struct.pack("<512d", *[k + j * 0.5 for j in range(512)])))
            for k in range(n(500))]


# (name, protocols, build(n)); `n(count)` scales a count
WORKLOADS = [
    ("pyperf_dict", PROTOCOLS, lambda n: DICT),
    ("pyperf_tuple", PROTOCOLS, lambda n: TUPLE),
    ("pyperf_dict_group", PROTOCOLS, lambda n: dict_group()),
    ("pyperf_list", PROTOCOLS, lambda n: LIST),
    ("pyperf_micro_dict", PROTOCOLS, lambda n: MICRO_DICT),
    ("ints_1m", PROTOCOLS, lambda n: list(range(n(1000000)))),
    ("str_float_dict_100k", PROTOCOLS,
     lambda n: {"key%d" % i: i * 0.5 for i in range(n(100000))}),
    ("unicode_100k", PROTOCOLS,
     lambda n: [u"%d-\u00e9t\u00e9-\u4e2d\u6587" % i for i in range(n(100000))]),
    ("bytes_64m", PROTOCOLS, big_bytes),
    ("bytearray_64m", (5,), lambda n: bytearray(big_bytes(n))),
    ("instances_100k", PROTOCOLS, lambda n: [Plain(x=i, y=-i) for i in range(n(100000))]),
    ("shared_graph", PROTOCOLS, shared_graph),
    ("numpy_like", PROTOCOLS, numpy_like),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--scale-of", action="append", default=[], metavar="NAME=X")
    args = ap.parse_args()
    scales = dict((k, float(v)) for k, v in (s.split("=", 1) for s in args.scale_of))
    import _pickle
    if pickle.Pickler is not _pickle.Pickler:
        sys.exit("the C pickler is not in use")
    os.makedirs(args.out, exist_ok=True)
    index = []
    for name, protos, build in WORKLOADS:
        scale = scales.get(name, args.scale)
        obj = build(lambda x: max(1, int(x * scale)))
        for p in protos:
            f = "%s-p%d.pkl" % (name, p)
            with open(os.path.join(args.out, f), "wb") as fh:
                fh.write(pickle.dumps(obj, protocol=p))
            index.append({"name": name, "protocol": p, "file": f})
        del obj
    v = sys.version_info
    with open(os.path.join(args.out, "index.json"), "w") as fh:
        json.dump({"python": "%d.%d.%d" % (v[0], v[1], v[2]), "files": index}, fh, indent=1)


if __name__ == "__main__":
    main()
