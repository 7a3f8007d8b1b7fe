"""What CPython does with the og-rek test vectors, for the codec's vector test.

Loads every file of ../shared/vectors/og-rek/test-vectors with CPython's C unpickler and a
find_class that returns inert stand-in classes (nothing is imported, nothing real runs),
and records per file: loaded, or the error kind (docs/CANON.md section 10) and, from the
pure-Python unpickler, the byte offset of the opcode that failed.

    python3.13 tools/vectors_reference.py ../shared/vectors/og-rek/test-vectors \
        > crates/codec/tests/data/ogrek-cpython.json

Only for the og-rek vectors: never point it at picklescan/ or modelscan/ (malicious).
"""
import io
import json
import os
import pickle
import sys


sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "generators"))
from pjrun import stand_in  # noqa: E402  (the stand-in classes the corpus generator uses)


class CUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return stand_in(module, name)

    def persistent_load(self, pid):
        return ("persid", pid)


class PyUnpickler(pickle._Unpickler):
    def find_class(self, module, name):
        return stand_in(module, name)

    def persistent_load(self, pid):
        return ("persid", pid)


def kind_of(exc):
    """Maps a C-unpickler exception to a codec-neutral error kind."""
    msg = str(exc)
    t = type(exc).__name__
    if isinstance(exc, EOFError) or "truncated" in msg or "exhausted before" in msg:
        return "truncated"
    if "stack underflow" in msg:
        return "stack-underflow"
    if "MARK" in msg or "odd number of items" in msg:
        return "bad-mark"
    if "invalid load key" in msg:
        return "unknown-opcode"
    if "Memo value not found" in msg or "negative PUT" in msg or t == "KeyError":
        return "bad-memo"
    if "unsupported pickle protocol" in msg:
        return "unsupported-protocol"
    if isinstance(exc, UnicodeDecodeError):
        if "utf-8" in msg:
            return "bad-utf8"
        if "rawunicodeescape" in msg or "unicodeescape" in msg:
            return "bad-literal"
        return "bad-encoding"
    if "extension code" in msg or "EXT specifies" in msg:
        return "unknown-extension"
    if "out-of-band" in msg:
        return "missing-buffer"
    if "persistent IDs in protocol 0" in msg:
        return "bad-literal"
    if isinstance(exc, (MemoryError, RecursionError, OverflowError)):
        return "limit-exceeded"
    if t in ("ValueError",) or "must be quoted" in msg:
        return "bad-literal"
    if isinstance(exc, (TypeError, AttributeError)) or "STACK_GLOBAL requires" in msg or "NEWOBJ" in msg:
        return "bad-argument"
    return "other:" + t


def py_fail_offset(data):
    """Offset of the opcode the pure-Python unpickler was executing when it failed."""
    f = io.BytesIO(data)
    u = PyUnpickler(f)
    state = {"pos": None}
    orig = dict(u.dispatch)

    def where():
        fr = u._unframer.current_frame if hasattr(u, "_unframer") else None
        if fr is not None:
            buf_len = len(fr.getbuffer())
            return f.tell() - (buf_len - fr.tell())
        return f.tell()

    def wrap(fn):
        def w(self):
            state["pos"] = where() - 1
            return fn(self)
        return w

    u.dispatch = dict((k, wrap(v)) for k, v in orig.items())
    try:
        u.load()
    except Exception:
        return state["pos"]
    return None


def main(folder):
    out = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as fh:
            data = fh.read()
        try:
            CUnpickler(io.BytesIO(data)).load()
            out[name] = {"ok": True}
        except Exception as e:  # noqa: BLE001 - recording what CPython raised
            out[name] = {
                "ok": False,
                "kind": kind_of(e),
                "type": type(e).__name__,
                "message": str(e)[:200],
                "py_offset": py_fail_offset(data),
            }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
