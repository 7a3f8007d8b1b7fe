"""Test adapter for picklejar_kit (run by crates/runner/tests/kits.rs; not an example).

Its "codec" reads canon JSON instead of a pickle and builds the Python values it describes,
so the kit's writer is checked on every canon value of the corpus; a few inputs ask for the
other outcomes: `reject:KIND`, `crash`, `exit:N`, `sleep`, `unwritable`, `options`.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import picklejar_kit as kit  # noqa: E402


class _Pending(object):
    """A ref to a tuple or frozenset still being built (a cycle through it)."""


def decode(tree):
    anchors, made = {}, []  # made: the mutable containers built, to patch pending refs in

    def patch(pending, value):
        for c in made:
            if isinstance(c, list):
                c[:] = [value if e is pending else e for e in c]
            elif isinstance(c, dict):
                c.update((k, value) for k, e in list(c.items()) if e is pending)
            elif isinstance(c, kit.Object):
                for attr in ("state", "setter"):
                    if getattr(c, attr) is pending:
                        setattr(c, attr, value)

    def items(nodes):
        out = [d(n) for n in nodes]
        made.append(out)
        return out

    def pairs(nodes):
        return [(d(k), d(v)) for k, v in nodes]

    def d(n):
        t, a = n["t"], n.get("id")
        if t == "ref":
            return anchors[n["v"]]
        if t in ("none", "bool", "int", "float", "str", "bytes", "global", "buffer"):
            return scalar(n)
        if t in ("tuple", "frozenset"):
            pending = anchors[a] = _Pending() if a is not None else None
            v = (tuple if t == "tuple" else frozenset)(d(e) for e in n["v"])
            if a is not None:
                anchors[a] = v
                patch(pending, v)
            return v
        if t == "persid":
            return kit.PersId(d(n["v"]))
        v = {"list": list, "dict": dict, "set": set, "bytearray": bytearray,
             "object": lambda: kit.Object(None), "reduce": lambda: kit.Reduce(None)}[t]()
        made.append(v)
        if a is not None:
            anchors[a] = v
        if t == "list":
            v.extend(d(e) for e in n["v"])
        elif t == "dict":
            for k, x in n["v"]:
                v[d(k)] = d(x)
        elif t == "set":
            v.update(d(e) for e in n["v"])
        elif t == "bytearray":
            v.extend(unescape(n["v"]))
        else:
            v.cls = d(n["class" if t == "object" else "callable"])
            v.args = items(n.get("args", []))
            v.kwargs = pairs(n.get("kwargs", []))
            v.state = d(n["state"]) if "state" in n else None
            v.items = items(n.get("items", []))
            v.dictitems = pairs(n.get("dictitems", []))
            v.setter = d(n["setter"]) if "setter" in n else None
        return v

    return d(tree)


def unescape(s):
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\":
            if s[i + 1] == "\\":
                out.append(0x5C)
                i += 2
            else:
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
        else:
            out.append(ord(s[i]))
            i += 1
    return bytes(out)


def scalar(n):
    t = n["t"]
    if t == "none":
        return None
    if t in ("bool",):
        return n["v"]
    if t == "int":
        return int(n["v"])
    if t == "float":
        return float(n["v"])
    if t == "str":
        return bytes.fromhex(n["hex"]).decode("utf-8", "surrogatepass") if "hex" in n else n["v"]
    if t == "bytes":
        return unescape(n["v"])
    if t == "global":
        return kit.Global(n["module"], n["name"])
    return kit.Buffer(n["index"], n["readonly"], unescape(n["v"]) if "v" in n else None)


def load(data, options):
    text = data.decode("utf-8")
    if text.startswith("reject:"):
        raise kit.Reject(text[len("reject:"):], "asked to reject")
    if text == "crash":
        raise ValueError("asked to crash")
    if text.startswith("exit:"):
        sys.stdout.flush()
        os._exit(int(text[len("exit:"):]))
    if text == "sleep":
        time.sleep(60)
    if text == "unwritable":
        return object()
    if text == "options":
        return json.dumps(dict(options, buffers=[b.hex() for b in options.get("buffers") or []]),
                          sort_keys=True)
    return decode(json.loads(text))


kit.serve(load)
