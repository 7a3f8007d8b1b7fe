"""picklejar adapter (docs/ADAPTERS.md) for PyPy's pickle module (PyPy 3.9: pure Python, pickle.py,
no _pickle), a full unpickler: it imports and calls what a pickle names, as its reference reader
cpython-3.9-py (CPython 3.9's pickle._Unpickler) does.

The loaded objects are described by picklejar's own generators/pjcanon.py, the code the corpus's
CPython readers use, and the environment is theirs (generators/pjrun.py: fixtures, numpy stub,
dill/cloudpickle blocked). The readers' safety gate is applied too (generators/pjimports.py): a
pickle whose stand-in reading names a global outside generators/safe_globals.txt is loaded with
every global refused, and any global outside that list is refused in any case."""
import _compat_pickle
import copyreg
import io
import json
import os
import pickle
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path[:0] = [os.path.join(ROOT, "kits", "python"), os.path.join(ROOT, "generators")]
import picklejar_kit as kit  # noqa: E402
import pjrun  # noqa: E402  (the readers' environment)
from pjrun import pjcanon, pjimports  # noqa: E402

SAFE = pjimports.safe_globals()


def py3_name(module, name):
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def load(data, options):
    exts, bufs = options.get("extensions"), options.get("buffers")
    pjrun.register_extensions(exts)
    try:
        try:
            finds = pjimports.record("py", data, dict(options, persistent_load=True),
                                     None if bufs is None else [bytearray(b) for b in bufs])[1]
        except pjimports.RecordError:
            finds = [("?", "?")]
        copyreg._extension_cache.clear()  # EXT lookups the gate's stand-in reading cached
        refuse_all = bool(pjimports.unsafe(finds))

        class Unpickler(pickle.Unpickler):
            def find_class(self, module, name):
                if refuse_all or not {(module, name), py3_name(module, name)} & SAFE:
                    pjimports._refuse(module, name)
                return pickle.Unpickler.find_class(self, module, name)

            def persistent_load(self, pid):  # the corpus loads persistent ids as persid nodes
                return pjcanon.persistent_load(pid)

        kw = {k: options[k] for k in ("encoding", "errors", "fix_imports") if k in options}
        bufs = None if bufs is None else [bytearray(b) for b in bufs]
        try:
            obj = Unpickler(io.BytesIO(data), buffers=bufs, **kw).load()
        except Exception as e:  # what pickle.loads documents for bad input or failing class code
            kind = pjcanon.classify_error(e, "py", sys.exc_info()[2])
            raise kit.Reject(kind if kind != "unknown" else "rejected", "%s: %s" % (type(e).__name__, e))
    finally:
        pjrun.clear_extensions(exts)
    # pjcanon describes objects by the reduction for the stream's protocol, buffers as buffer nodes
    kit.canon = lambda value: json.loads(pjcanon.canon_json(value, options.get("protocol", 0), bufs))
    return obj


def in_a_fork(answer):
    """Each request in a fresh fork of the warmed-up worker, so that no load sees what an earlier
    one left behind: PyPy's instance dicts follow the attribute order of the first instance of a
    class the process made (its maps), which would make a trial depend on the ones before it."""
    def forked(*args):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            with os.fdopen(w, "w") as f:
                f.write(json.dumps(answer(*args)))
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            text = f.read()
        status = os.waitpid(pid, 0)[1]
        return json.loads(text) if text else {"crash": "the load's process died (status %d)" % status}
    return forked


kit.answer = in_a_fork(kit.answer)
kit.serve(load)
