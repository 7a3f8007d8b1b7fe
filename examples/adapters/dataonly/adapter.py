"""A data-only reader for picklejar (docs/ADAPTERS.md): pickle._Unpickler with every global a
stand-in (calling one is a reduction, instantiating one an object), written out with the Python
kit in the raw form (the runner applies fix_imports and the section 7 rewrites)."""
import io
import os
import pickle
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../kits/python"))
import picklejar_kit as kit  # noqa: E402


def standin(x):  # calling x is a reduction; x.__new__(x, ...) (NEWOBJ) an object
    x.__new__ = lambda cls, *args, **kwargs: standin(Obj(cls, args, kwargs))
    return x


class Obj(kit.Object):  # what BUILD, APPEND(S), SETITEM(S) do to an object or a reduction
    __call__ = lambda self, *args: standin(Red(self, args))  # noqa: E731
    __setstate__ = lambda self, state: setattr(self, "state", state)  # noqa: E731
    append, extend = (lambda self, x: self.items.append(x)), (lambda self, xs: self.items.extend(xs))
    __setitem__ = lambda self, k, v: self.dictitems.append((k, v))  # noqa: E731


Red = type("Red", (Obj,), {"tag": "reduce", "head": "callable"})
Name = type("Name", (kit.Global,), {"__call__": Obj.__call__})  # a global as the stream names it


class Reader(pickle._Unpickler):
    def find_class(self, module, name):
        return standin(Name(module, name))

    def persistent_load(self, pid):
        return kit.PersId(pid)

    def _instantiate(self, klass, args):  # INST, OBJ: an object when there are no arguments
        self.append(standin(Red(klass, args) if args else Obj(klass)))

    def get_extension(self, code):
        if str(code) not in self.ext:
            raise kit.Reject("unknown-extension", "extension code %d" % code)
        self.append(self.find_class(*self.ext[str(code)]))


def load(data, options):
    r = Reader(io.BytesIO(data), encoding=options.get("encoding", "ASCII"),
               errors=options.get("errors", "strict"), buffers=options.get("buffers"))
    r.ext = options.get("extensions", {})
    try:
        return r.load()
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError, TypeError,
            AttributeError, struct.error, OverflowError, MemoryError, RecursionError) as e:
        raise kit.Reject("rejected", "%s: %s" % (type(e).__name__, e))  # error_kinds: false


kit.serve(load)
