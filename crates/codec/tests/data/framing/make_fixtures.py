"""Writes the framing fixtures of tests/framing.rs: pickles in which a protocol-4 frame
reaches 64 KiB exactly where CPython's C pickler has an opcode boundary that is easy to miss
(the start of a save() that writes a reduce's argument tuple, an empty one or a memo GET).

Run from this directory with each CPython whose bytes the test holds the pickler to:

    /root/.pyenv/versions/3.13.0/bin/python make_fixtures.py

Each fixture is `[pad] + [item() for _ in range(N)]` (a list of N fresh objects, N a
little more than fill one frame), with the pad str's length chosen so that the first frame ends right before the opcode named below;
written as `<kind>-py<major>.<minor>-p<protocol>.pkl.gz` (gzip, mtime 0).
"""

import copyreg
import gzip
import io
import pickle
import pickletools
import sys


class Plain:
    """object.__reduce_ex__(4): copyreg.__newobj__, (Plain,), no state: NEWOBJ of ()."""


class WithKwargs:
    """__getnewargs_ex__ with keywords: copyreg.__newobj_ex__, NEWOBJ_EX of (), {...}."""

    def __getnewargs_ex__(self):
        return (), {"k": 1}


def make(*args):
    return args


SHARED = (1, 2)


class SharedArgs:
    """A reduction whose argument tuple is one object: REDUCE with a GET of it."""

    def __reduce__(self):
        return (make, SHARED)


# kind: (item factory, protocols, (last opcode of the first frame, first of the second))
KINDS = {
    # the class's GET | the empty argument tuple
    "newobj_empty_args": (Plain, (4, 5), ("BINGET", "EMPTY_TUPLE")),
    "newobj_ex_empty_args": (WithKwargs, (4, 5), ("BINGET", "EMPTY_TUPLE")),
    # the callable's GET | the argument tuple's GET
    "reduce_shared_args": (SharedArgs, (4, 5), ("BINGET", "BINGET")),
    # bytearray() at protocol 4: bytearray.__reduce_ex__ gives (bytearray, ()).
    "empty_bytearray": (bytearray, (4,), ("BINGET", "EMPTY_TUPLE")),
}


def items_for_a_frame(item, protocol):
    """How many items make a little more than one 64 KiB frame."""
    size = lambda n: len(pickle.dumps([item() for _ in range(n)], protocol))
    per_item = (size(2000) - size(1000)) / 1000.0
    return int(65536 / per_item * 1.02)


def frames(data):
    """(offset, length) of each FRAME, and the opcodes before and after its header."""
    out = []
    ops = list(pickletools.genops(data))
    for i, (op, arg, pos) in enumerate(ops):
        if op.name == "FRAME":
            out.append((pos, arg, (ops[i - 1][0].name, ops[i + 1][0].name)))
    return out


def fixture(item, protocol, at, n):
    for pad in range(64):
        value = ["x" * pad] + [item() for _ in range(n)]
        data = pickle.dumps(value, protocol)
        fr = frames(data)
        assert len(fr) >= 2, "the items must fill more than one frame"
        (pos0, len0, _), (pos1, _, around) = fr[0], fr[1]
        if around == at and pos0 + 9 + len0 == pos1:
            return pad, data
    raise SystemExit("no pad length puts a frame end between %s and %s" % at)


def gzip_bytes(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def main():
    version = "%d.%d" % sys.version_info[:2]
    for kind, (item, protocols, at) in KINDS.items():
        for protocol in protocols:
            if protocol > pickle.HIGHEST_PROTOCOL:
                continue
            n = items_for_a_frame(item, protocol)
            pad, data = fixture(item, protocol, at, n)
            name = "%s-py%s-p%d.pkl.gz" % (kind, version, protocol)
            with open(name, "wb") as f:
                f.write(gzip_bytes(data))
            print(name, "pad", pad, "bytes", len(data), "frames", len(frames(data)))


if __name__ == "__main__":
    main()
