"""picklejar kit for Python: canon (docs/CANON.md) of Python values; adapter protocol 2 (docs/ADAPTERS.md).

    def load(data, options):  # bytes, {"protocol", "encoding", ..., "buffers"} -> a value,
        ...                   # or raise picklejar_kit.Reject("truncated", "why")
    picklejar_kit.serve(load) # one-shot or worker, as the runner asks

Values: None, bool, int, float, str, bytes, bytearray, list, tuple, dict, set, frozenset, and Global,
Object, Reduce, PersId, Buffer below; an object reached twice is written once with "id", then as refs.
Other exceptions of `load` are crashes; a value it cannot write, an adapter error. See README.md.
"""
import base64
import collections
import json
import os
import sys

class Reject(Exception):  # a clean rejection, with an error kind of docs/CANON.md section 10
    def __init__(self, kind, message=""):
        Exception.__init__(self, message); self.kind, self.message = kind, message

Global = collections.namedtuple("Global", "module name")      # a class or function by name
PersId = collections.namedtuple("PersId", "pid")               # a persistent id, unresolved
Buffer = collections.namedtuple("Buffer", "index readonly data")  # a protocol-5 buffer; data may be None

class Object(object):  # cls.__new__(cls, *args, **kwargs), then state, items, dictitems, setter
    tag, head = "object", "class"
    def __init__(self, cls, args=(), kwargs=()):
        self.cls, self.args, self.kwargs = cls, list(args), list(dict(kwargs).items())
        self.state, self.items, self.dictitems, self.setter = None, [], [], None
class Reduce(Object): tag, head = "reduce", "callable"  # callable(*args), then state, items, dictitems, setter
TAGS = ((PersId, "persid"), (list, "list"), (tuple, "tuple"), (dict, "dict"), (set, "set"), (frozenset, "frozenset"), (bytearray, "bytearray"))

def escape_bytes(b):  # section 5
    return "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x5C else "\\\\" if c == 0x5C
                   else "\\x%02x" % c for c in bytearray(b))

class _Walk(object):
    """With counts: counts visits. plain: set sort keys (no ids). Else: writes, anchoring `shared`."""
    def __init__(self, counts=None, shared=(), plain=False):
        self.counts, self.shared, self.plain, self.ids, self.path = counts, shared, plain, {}, set()

    def node(self, x):
        if x is None or x is True or x is False:
            return {"t": "none"} if x is None else {"t": "bool", "v": x}
        if isinstance(x, (int, float)):
            return {"t": "int", "v": str(x)} if isinstance(x, int) else {"t": "float", "v": repr(x)}
        if isinstance(x, str):
            try:
                x.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: section 4
                return {"t": "str", "hex": x.encode("utf-8", "surrogatepass").hex()}
            return {"t": "str", "v": x}
        if isinstance(x, bytes):
            return {"t": "bytes", "v": escape_bytes(x)}
        if isinstance(x, Global):
            return {"t": "global", "module": x.module, "name": x.name}
        if isinstance(x, Buffer):
            n = {"t": "buffer"} if x.data is None else {"t": "buffer", "v": escape_bytes(x.data)}
            n.update(index=x.index, readonly=x.readonly)
            return n
        k = None if isinstance(x, (tuple, frozenset)) and not x else id(x)  # section 8
        if k is not None and self.plain and k in self.path:
            return {"t": "ref"}
        elif k is not None and self.counts is not None:
            self.counts[k] = self.counts.get(k, 0) + 1
            if self.counts[k] > 1:
                return {"t": "ref", "v": 0}
        elif k in self.ids:
            return {"t": "ref", "v": self.ids[k]}
        tag = x.tag if isinstance(x, Object) else next((t for c, t in TAGS if isinstance(x, c)), None)
        if tag is None:
            raise TypeError("no canon for %s: use picklejar_kit.Object, Reduce or Global" % type(x).__name__)
        n = {"t": tag}
        if k in self.shared:
            n["id"] = self.ids[k] = len(self.ids) + 1
        self.path.add(k)
        self.fill(x, n)
        self.path.discard(k)
        return n

    def pairs(self, items):  # dict items, kwargs, dictitems: [[key, value], ...]
        return [[self.node(a), self.node(b)] for a, b in items]

    def fill(self, x, n):
        if isinstance(x, PersId):
            n["v"] = self.node(x.pid)
        elif isinstance(x, (list, tuple)):
            n["v"] = [self.node(e) for e in x]
        elif isinstance(x, dict):
            n["v"] = self.pairs(x.items())
        elif isinstance(x, (set, frozenset)):
            kw = self if self.plain else _Walk(plain=True)  # section 6: sort keys
            keys = [(json.dumps(kw.node(e), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), i, e)
                    for i, e in enumerate(x)]
            n["v"] = [self.node(e) for _, _, e in sorted(keys, key=lambda k: k[:2])]
        elif isinstance(x, bytearray):
            n["v"] = escape_bytes(x)
        else:  # Object, Reduce (section 7): members absent when empty (a state of {} too)
            n[x.head] = self.node(x.cls)
            if x.args or x.tag == "reduce":
                n["args"] = [self.node(a) for a in x.args]
            for key in ("kwargs", "state", "items", "dictitems", "setter"):
                val = getattr(x, key)
                if not (val is None or type(val) in (list, dict) and not val):
                    n[key] = (self.pairs(val) if key in ("kwargs", "dictitems") else
                              [self.node(e) for e in val] if key == "items" else self.node(val))
def canon(value):  # the canon tree of a value, as JSON-ready dicts and lists
    counts = {}
    _Walk(counts=counts).node(value)
    return _Walk(shared={k for k, c in counts.items() if c > 1}).node(value)

def answer(load, data, options, imports=None):  # -> {"value"}, {"error", "message"}, {"imports"}, {"crash"}, {"adapter_error"}
    try:
        if imports:  # an imports request: [[find, M, N] | [call, M, N, VIA], ...]
            return {"imports": [list(e) for e in imports(data, options)]}
        value = load(data, options)
    except Reject as r:
        return {"error": r.kind, "message": r.message}
    except Exception as e:  # the codec failed: a crash, never a rejection
        return {"crash": "%s: %s" % (type(e).__name__, e)}
    try:
        return {"value": canon(value)}
    except Exception as e:
        return {"adapter_error": "cannot write canon: %s: %s" % (type(e).__name__, e)}

def dumps(x):  # the C encoder; Python's for trees deeper than its limit (CPython 3.12+ ignores setrecursionlimit)
    try: return json.dumps(x)
    except RecursionError: return "".join(json.JSONEncoder().iterencode(x))
def serve(load, imports=None):
    """Answers the runner: a request per line (PICKLEJAR_MODE=worker), else one pickle on stdin;
    imports(data, options), if given, answers imports requests (manifest `imports: true`)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 50000))  # deep values; ints of any length:
    getattr(sys, "set_int_max_str_digits", lambda n: None)(0)
    if os.environ.get("PICKLEJAR_MODE") == "worker":
        for req in map(json.loads, sys.stdin.buffer):
            bufs = [base64.b64decode(b) for b in req["buffers"]] if "buffers" in req else None
            opts, data = dict(req.get("options", {}), buffers=bufs), base64.b64decode(req["data"])
            reply = answer(load, data, opts, req.get("imports") and imports)
            sys.stdout.write(dumps(reply) + "\n")
            sys.stdout.flush()
        return
    opts = json.loads(os.environ.get("PICKLEJAR_OPTIONS") or "{}")
    opts["buffers"] = [open(p, "rb").read() for p in opts["buffers"]] if "buffers" in opts else None
    reply = answer(load, sys.stdin.buffer.read(), opts, os.environ.get("PICKLEJAR_IMPORTS") == "1" and imports)
    if "value" in reply or "error" in reply or "imports" in reply:
        sys.stdout.write(dumps(reply.get("value", reply)))
        sys.stdout.flush()
        sys.exit(1 if "error" in reply else 0)
    sys.stderr.write(reply.get("crash") or reply["adapter_error"])
    sys.exit(2 if "crash" in reply else 3)  # 3: the status reserved for adapter errors
