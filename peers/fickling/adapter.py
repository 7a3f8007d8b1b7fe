"""picklejar adapter (docs/ADAPTERS.md) for fickling, Trail of Bits' symbolic pickle decompiler.

fickling never builds a value: Pickled.load reads the opcodes and its Interpreter turns them into a
Python AST, the program that would rebuild the object. This adapter reports what that program
computes with every import a stand-in, in the raw form (names as the stream spells them):
`from m import n` is the global m.n, a call a reduction, `cls.__new__(cls, *a, **kw)` an object,
`x.__setstate__(s)` its state, `x[k] = v` and `x.update(d)` dict items,
`UNPICKLER.persistent_load(p)` a persistent id, and fickling's EXT lookup
(copyreg._inverted_registry.get, getattr(sys.modules[m], n)) the registry's global. An AST node
reached twice is one object: fickling's memo holds AST nodes, so its sharing is the AST's.
Rejections: fickling's errors for bad input (PickleDecodeError and its subclasses, resource limits)
and a program that would raise (state or items given to a plain value, an unhashable key, an
unknown extension code); any other exception of fickling is a crash."""
import ast
import collections
import contextlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kits", "python"))
import picklejar_kit as kit  # noqa: E402
from fickling.exception import ResourceExhaustionError  # noqa: E402
from fickling.fickle import Interpreter, Pickled, PickleDecodeError  # noqa: E402


def walk(node):  # ast.walk, but fickling's ASTs have cycles, tuples and iterators for lists
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.AST) and id(n) not in seen:
            seen.add(id(n))
            yield n
            for f, v in ast.iter_fields(n):
                if type(v) is reversed:  # DICT's keys and values: make them lists, read twice
                    v = list(v)
                    setattr(n, f, v)
                todo.extend(v if isinstance(v, (list, tuple)) else [v])


class Raises(Exception):
    """The decompiled program would raise here."""


class Pending:  # a tuple still being built, met again inside itself (through a list or a dict)
    def __init__(self, node):
        self.node = node


def Unsupported(what):  # an AST the adapter cannot read: a value the kit refuses (an adapter error)
    return type("unsupported AST (%s)" % what, (), {})()


class Program:
    def __init__(self, extensions):
        self.env, self.memo, self.ext, self.patches = {}, {}, extensions, {}

    def run(self, module):
        uses = collections.Counter(n.id for n in walk(module) if isinstance(n, ast.Name))
        for s in module.body:
            call = s.value if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) else None
            if isinstance(s, ast.ImportFrom):
                self.env.update((a.asname or a.name, kit.Global(s.module, a.name)) for a in s.names)
            elif isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name):
                v = self.env[s.targets[0].id] = self.ev(s.value)
                if uses[s.targets[0].id] == 1 and isinstance(s.value, ast.Call) and isinstance(v, kit.Reduce) \
                        and len(v.args) == 2 and isinstance(v.args[0], kit.Object) and v.args[0].setter is None:
                    v.args[0].state, v.args[0].setter = v.args[1], v.cls  # setter(obj, state), then POP
            elif isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Subscript):
                self.setitems(self.ev(s.targets[0].value), [(self.ev(s.targets[0].slice), self.ev(s.value))])
            elif call and isinstance(call.func, ast.Attribute) and call.func.attr in ("__setstate__", "update"):
                obj, arg = self.ev(call.func.value), self.ev(call.args[0])
                if call.func.attr == "update":
                    self.setitems(obj, arg.items())
                elif isinstance(obj, kit.Object):
                    obj.state = arg
                else:
                    raise Raises("%s has no __setstate__" % type(obj).__name__)
            elif not (isinstance(s, ast.Import) or call and getattr(call.func, "id", "") == "__import__"):
                return Unsupported(type(s).__name__)  # import copyreg, sys; __import__(m): EXT, no value
        return self.env["result"]

    def setitems(self, obj, items):
        if isinstance(obj, dict):
            obj.update(items)
        elif isinstance(obj, kit.Object):
            obj.dictitems.extend(items)
        else:
            raise Raises("%s has no __setitem__" % type(obj).__name__)

    def ev(self, n, box=None, key=None):
        if id(n) in self.memo:
            if self.memo[id(n)] is not Pending:
                return self.memo[id(n)]
            if box is None:
                raise Raises("a tuple inside itself")
            self.patches.setdefault(id(n), []).append((box, key))  # filled in when the tuple is done
            return Pending(n)
        if isinstance(n, ast.Constant):
            v = n.value
            if isinstance(v, ast.Set):  # FROZENSET
                v = self.memo[id(n)] = frozenset(self.ev(e) for e in v.elts)
            return kit.Global("builtins", "Ellipsis") if v is Ellipsis else v
        if isinstance(n, ast.Name):
            if n.id not in self.env:
                raise Raises("name %r is not defined" % n.id)
            return self.env[n.id]
        if isinstance(n, (ast.List, ast.Set, ast.Dict)):
            v = self.memo[id(n)] = {ast.List: list, ast.Set: set, ast.Dict: dict}[type(n)]()
            if isinstance(n, ast.Dict):
                for a, b in zip(n.keys, n.values):
                    k = self.ev(a)
                    v[k] = self.ev(b, v, k)
            elif isinstance(v, list):
                for i, e in enumerate(n.elts):
                    v.append(self.ev(e, v, i))
            else:
                v.update(self.ev(e) for e in n.elts)
            return v
        if isinstance(n, ast.Tuple):
            self.memo[id(n)] = Pending
            v = self.memo[id(n)] = tuple(self.ev(e) for e in n.elts)
            for box, key in self.patches.pop(id(n), ()):
                box[key] = v
            return v
        if isinstance(n, ast.Subscript):
            return self.ev(n.value)[self.ev(n.slice)]
        if isinstance(n, ast.Call):
            return self.call(n)
        return Unsupported(type(n).__name__)

    def call(self, n):
        f, args = n.func, []
        if isinstance(f, ast.Name) and f.id == "getattr" and "getattr" not in self.env:
            module = self.ev(n.args[0].slice)  # EXT: getattr(sys.modules[entry[0]], entry[1])
            if module is None:
                raise Raises("unregistered extension code")
            return kit.Global(module, self.ev(n.args[1]))
        for a in n.args:
            args += list(self.ev(a.value)) if isinstance(a, ast.Starred) else [self.ev(a)]
        if isinstance(f, ast.Attribute) and f.attr == "__new__":  # NEWOBJ, NEWOBJ_EX (kwargs: a Dict node)
            return kit.Object(args[0], args[1:], self.ev(n.keywords) if isinstance(n.keywords, ast.AST) else {})
        if isinstance(f, ast.Attribute) and f.attr == "persistent_load":
            return kit.PersId(args[0])
        if isinstance(f, ast.Attribute) and f.attr == "get":  # copyreg._inverted_registry.get(code, (None, None))
            return tuple(self.ext.get(str(args[0]), (None, None)))
        return kit.Reduce(self.ev(f), args)


def load(data, options):
    try:
        with contextlib.redirect_stdout(sys.stderr):  # its warnings go to stdout, the worker's replies
            module = Interpreter(Pickled.load(data)).to_ast()
    except (PickleDecodeError, ResourceExhaustionError) as e:
        raise kit.Reject("rejected", "%s: %s" % (type(e).__name__, e))
    try:
        return Program(options.get("extensions", {})).run(module)
    except (Raises, TypeError, IndexError, KeyError) as e:  # TypeError: an unhashable key or set element
        raise kit.Reject("rejected", "the decompiled program raises: %s" % e)


kit.serve(load)
