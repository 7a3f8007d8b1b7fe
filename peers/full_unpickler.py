"""A full unpickler's load, run as the corpus's CPython readers run theirs: shared by the adapters of
the peers that import and call what a pickle names (pypy, zodbpickle), with the Python kit.

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
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path[:0] = [os.path.join(ROOT, "kits", "python"), os.path.join(ROOT, "generators")]
import picklejar_kit as kit  # noqa: E402
import pjrun  # noqa: E402  (the readers' environment)
from pjrun import pjcanon, pjimports  # noqa: E402

SAFE = pjimports.safe_globals()


def py3_name(module, name):
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def loader(base, style, buffers=True, crashes=()):
    """The kit's load for the codec's Unpickler class `base`, read as the corpus's reader `style`
    ("py": pickle.py, "c": the C unpickler) reads: given the out-of-band buffers if `buffers`. The
    exceptions of `crashes` are crashes; any other is a rejection (bad input or failing class code)."""
    def load(data, options):
        exts = options.get("extensions")
        bufs = options.get("buffers") if buffers else None
        pjrun.register_extensions(exts)
        try:
            try:
                finds = pjimports.record(style, data, dict(options, persistent_load=True),
                                         None if bufs is None else [bytearray(b) for b in bufs])[1]
            except pjimports.RecordError:
                finds = [("?", "?")]
            copyreg._extension_cache.clear()  # EXT lookups the gate's stand-in reading cached
            refuse_all = bool(pjimports.unsafe(finds))

            class Unpickler(base):
                def find_class(self, module, name):
                    if refuse_all or not {(module, name), py3_name(module, name)} & SAFE:
                        pjimports._refuse(module, name)
                    return base.find_class(self, module, name)

                def persistent_load(self, pid):  # the corpus loads persistent ids as persid nodes
                    return pjcanon.persistent_load(pid)

            kw = {k: options[k] for k in ("encoding", "errors", "fix_imports") if k in options}
            if buffers:
                kw["buffers"] = bufs = None if bufs is None else [bytearray(b) for b in bufs]
            try:
                obj = Unpickler(io.BytesIO(data), **kw).load()
            except crashes:
                raise
            except Exception as e:  # what pickle.loads documents for bad input or failing class code
                kind = pjcanon.classify_error(e, style, sys.exc_info()[2])
                raise kit.Reject(kind if kind != "unknown" else "rejected", "%s: %s" % (type(e).__name__, e))
        finally:
            pjrun.clear_extensions(exts)
        # pjcanon describes objects by the reduction for the stream's protocol, buffers as buffer nodes
        kit.canon = lambda value: json.loads(pjcanon.canon_json(value, options.get("protocol", 0), bufs))
        return obj
    return load
