# -*- coding: utf-8 -*-
"""pjrun: the script generators/make.py runs inside each CPython (2.7 and 3.6+).

    python pjrun.py produce JOB.json OUT.jsonl   write every case with both picklers
    python pjrun.py read JOB.json OUT.jsonl      load every variant with both unpicklers
    python pjrun.py resolve JOB.json OUT.jsonl   load libraries/ variants with the real libraries

JOB.json is written by make.py; OUT.jsonl gets one JSON object a line, flushed as it goes,
so that make.py can tell which task a crashed interpreter was on.

Compressed variants (gzip, bz2, xz, zstd, and a zip archive's single */data.pkl:
pjcompress.py, by magic bytes) are decompressed or unpacked before they are loaded (read_one does it, so the runner's CPython worker does too).
Third-party producers (dill, cloudpickle) run in an interpreter that has the package
(make.py --with); readers never import them: importing `dill` or `cloudpickle` fails in a
reader (BLOCKED_MODULES), so their pickles load the same with or without them installed.
"""
import sys
import os
import io
import json
import hashlib
import re
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import pjcanon  # noqa: E402
import pjcompress  # noqa: E402
import pjfixtures  # noqa: E402
import pjimports  # noqa: E402

PY2 = sys.version_info[0] == 2
VERSION = '%d.%d' % sys.version_info[:2]

if PY2:
    import copy_reg as copyreg
    import cPickle
    import pickle as pypickle
    from cStringIO import StringIO as CBytesIO
    HIGHEST = 2
else:
    import copyreg
    import pickle as pypickle
    cPickle = None
    CBytesIO = io.BytesIO
    HIGHEST = pypickle.HIGHEST_PROTOCOL

pjfixtures.install_numpy_stub()

# Third-party picklers' modules: a reader must not import them (their reconstructors would
# rebuild functions and classes from code objects), installed or not.
BLOCKED_MODULES = ('dill', 'cloudpickle')
# The real libraries whose objects the cases of libraries/ pickle (make.py --with numpy,...):
# a reader of those variants never imports them either (installed or not, and not the numpy
# stand-in of pjfixtures), so CPython's readers record `unresolved` for them, as for dill.
# Only the library readings (mode `resolve`, in the libraries' own environment) load them
# with the real classes.
LIBRARY_MODULES = ('numpy', 'pandas', 'sklearn', 'scipy', 'joblib', 'threadpoolctl', 'pytz',
                   'dateutil', 'tzdata')
# The modules blocked on top of BLOCKED_MODULES while one read task runs (library_block).
_EXTRA_BLOCKED = set()


def task_bytes(task):
    """A task's pickle and its out-of-band buffers (None when it has none)."""
    with open(task['file'], 'rb') as f:
        data = f.read()
    bufdata = None
    if task.get('bufs'):
        bufdata = []
        for p in task['bufs']:
            with open(p, 'rb') as f:
                bufdata.append(f.read())
    return data, bufdata


def blocked_modules():
    return BLOCKED_MODULES + tuple(sorted(_EXTRA_BLOCKED))


class _Blocker(object):
    """A sys.meta_path finder that makes BLOCKED_MODULES (and _EXTRA_BLOCKED) unimportable."""

    def _blocked(self, name):
        top = name.split('.')[0]
        return top in BLOCKED_MODULES or top in _EXTRA_BLOCKED

    def find_spec(self, name, path=None, target=None):   # Python 3
        if self._blocked(name):
            raise ModuleNotFoundError("No module named %r" % name, name=name)  # noqa: F821
        return None

    def find_module(self, name, path=None):   # Python 2.7
        if self._blocked(name):
            raise ImportError('No module named %s' % name.split('.')[-1])
        return None


_BLOCKER = _Blocker()
sys.meta_path.insert(0, _BLOCKER)


def _blocked_import(e):
    """Whether an exception is the ImportError of a BLOCKED_MODULES import."""
    if not isinstance(e, ImportError):
        return False
    name = getattr(e, 'name', None)
    if not name:
        parts = str(e).split()
        name = parts[-1].strip("'\"") if parts else ''
    top = name.split('.')[0]
    return top in BLOCKED_MODULES or top in _EXTRA_BLOCKED


def drop_modules(tops):
    """Remove the modules under the top-level names `tops` from sys.modules (pjfixtures'
    numpy stand-in among them); returns them, for restore_modules."""
    saved = {}
    for k in list(sys.modules):
        if k.split('.')[0] in tops:
            saved[k] = sys.modules.pop(k)
    return saved


def drop_numpy_stub():
    """Take pjfixtures' numpy stand-in out of sys.modules (once: the real numpy, once
    imported, stays; numpy cannot be imported twice in one process)."""
    if getattr(sys.modules.get('numpy'), '_pjfixtures_stub', False):
        drop_modules(('numpy',))


def restore_modules(saved):
    sys.modules.update(saved)


class library_block(object):
    """While a read task of a libraries/ case runs: LIBRARY_MODULES are unimportable and
    the numpy stand-in is out of sys.modules."""

    def __enter__(self):
        self.saved = drop_modules(LIBRARY_MODULES)
        _EXTRA_BLOCKED.update(LIBRARY_MODULES)
        return self

    def __exit__(self, *exc):
        _EXTRA_BLOCKED.clear()
        restore_modules(self.saved)
        return False


def unblock_third_party():
    if _BLOCKER in sys.meta_path:
        sys.meta_path.remove(_BLOCKER)


def out_line(f, obj):
    s = json.dumps(obj, sort_keys=True, ensure_ascii=True)
    f.write(s + '\n')
    f.flush()


def _native(s):
    """A module or global name as the interpreter spells names: `str`.  On Python 2.7 the
    job's JSON gives `unicode`, which copy_reg.add_extension accepts but cPickle's EXT
    loader refuses ("_inverted_registry[N] isn't a 2-tuple of strings"); an ASCII unicode
    is equal to its str, so pickle.py and the picklers never noticed."""
    if PY2 and isinstance(s, unicode):  # noqa: F821
        return s.encode('utf-8')
    return s


def extension_entries(exts):
    """[(module, name, code)] of a case's `extensions` load option, names as native str."""
    return [(_native(module), _native(name), int(code))
            for code, (module, name) in sorted((exts or {}).items())]


def register_extensions(exts):
    for module, name, code in extension_entries(exts):
        copyreg.add_extension(module, name, code)


def clear_extensions(exts):
    for module, name, code in extension_entries(exts):
        try:
            copyreg.remove_extension(module, name, code)
        except ValueError:
            pass
    copyreg._extension_cache.clear()


def exec_case(path):
    with open(path, 'rb') as f:
        src = f.read()
    ns = {'__name__': 'pjcase', '__file__': path}
    code = compile(src, path, 'exec')
    exec(code, ns)
    return ns


# ---------------------------------------------------------------------------
# produce

def make_pickler(impl, f, proto, pers, bufcb):
    if PY2:
        if impl == 'c':
            p = cPickle.Pickler(f, proto)
            if pers:
                p.persistent_id = pjfixtures.persistent_id
            return p
        p = pypickle.Pickler(f, proto)
        if pers:
            p.persistent_id = pjfixtures.persistent_id
        return p
    base = pypickle.Pickler if impl == 'c' else pypickle._Pickler
    kw = {}
    if bufcb is not None:
        kw['buffer_callback'] = bufcb
    if pers:
        class P(base):
            def persistent_id(self, obj):
                return pjfixtures.persistent_id(obj)
        return P(f, proto, **kw)
    return base(f, proto, **kw)


def dump(impl, obj, proto, pers, oob):
    bufs = []
    bufcb = None
    if oob and proto >= 5:
        def bufcb(pb):
            bufs.append(pb)
            return False
    if PY2 and impl == 'c' and not pers:
        return cPickle.dumps(obj, proto), []
    if not PY2 and not pers and bufcb is None:
        if impl == 'c':
            return pypickle.dumps(obj, proto), []
        return pypickle._dumps(obj, proto), []
    f = CBytesIO()
    p = make_pickler(impl, f, proto, pers, bufcb)
    p.dump(obj)
    raw = []
    for pb in bufs:
        raw.append(bytes(pb.raw()))
    return f.getvalue(), raw


def dump_compressed(impl, obj, proto, pers, method):
    """Pickle obj straight into a compressed file object, as people write .pkl.gz files;
    returns the file's bytes, or None when this interpreter has no module for `method`.

    gzip: gzip.GzipFile(filename='', mode='wb', compresslevel=9, fileobj=..., mtime=0), what
    gzip.open(path, 'wb') makes, with mtime 0 and no file name in the header.
    bz2: bz2.open(fileobj, 'wb', compresslevel=9); Python 2.7's BZ2File takes only a file
    name, so 2.7 writes through bz2.BZ2File(temporary file, 'w', compresslevel=9).
    xz: lzma.open(fileobj, 'wb') with its defaults (FORMAT_XZ, CHECK_CRC64, preset 6)."""
    def pickle_into(f):
        make_pickler(impl, f, proto, pers, None).dump(obj)

    if method == 'gzip':
        import gzip
        buf = io.BytesIO()
        f = gzip.GzipFile(filename='', mode='wb', compresslevel=9, fileobj=buf, mtime=0)
        pickle_into(f)
        f.close()
        return buf.getvalue()
    if method == 'bz2':
        import bz2
        if PY2:
            import tempfile
            fd, path = tempfile.mkstemp(suffix='.pkl.bz2')
            os.close(fd)
            try:
                f = bz2.BZ2File(path, 'w', compresslevel=9)
                pickle_into(f)
                f.close()
                with open(path, 'rb') as g:
                    return g.read()
            finally:
                os.unlink(path)
        buf = io.BytesIO()
        f = bz2.open(buf, 'wb', compresslevel=9)
        pickle_into(f)
        f.close()
        return buf.getvalue()
    if method == 'xz':
        try:
            import lzma
        except ImportError:
            return None
        buf = io.BytesIO()
        f = lzma.open(buf, 'wb')
        pickle_into(f)
        f.close()
        return buf.getvalue()
    raise ValueError('unknown compression %r' % method)


# ---------------------------------------------------------------------------
# Third-party picklers (make.py --with): the case runs as __main__

class _CaseMain(object):
    """Runs a case file as the module `__main__` (a fresh module, installed in sys.modules
    while the case is pickled), so that what it defines pickles the way a script's own
    functions and classes do: by value.  Its __file__ and its code objects' co_filename are
    the case file's path relative to the repository, so the pickles do not depend on the
    checkout's location."""

    def __init__(self, path, relpath):
        self.path = path
        self.relpath = relpath

    def __enter__(self):
        with open(self.path, 'rb') as f:
            src = f.read()
        mod = types.ModuleType('__main__')
        mod.__file__ = self.relpath
        self.saved = sys.modules.get('__main__')
        sys.modules['__main__'] = mod
        self.module = mod
        exec(compile(src, self.relpath, 'exec'), mod.__dict__)
        return mod.__dict__

    def __exit__(self, *exc):
        sys.modules['__main__'] = self.saved
        return False


class _SequentialUUIDs(object):
    """uuid.uuid4 for a producer: the n-th call in a case returns UUID(int=n, version=4).
    cloudpickle names every class it pickles by value with a `class_tracker_id` from
    uuid.uuid4().hex; this makes that id, and so the pickle, the same on every run."""

    def __init__(self):
        import uuid
        self.uuid = uuid
        self.n = 0
        uuid.uuid4 = self

    def reset(self):
        self.n = 0

    def __call__(self):
        self.n += 1
        return self.uuid.UUID(int=self.n, version=4)


_THIRD_PARTY = {}


def third_party_setup(pkg):
    """Import the package (unblocked: this process is a producer) once."""
    if pkg in _THIRD_PARTY:
        return _THIRD_PARTY[pkg]
    unblock_third_party()
    if pkg == 'dill':
        import dill
        mod = dill
    elif pkg == 'cloudpickle':
        import cloudpickle
        mod = cloudpickle
    else:
        raise ValueError('unknown third-party pickler %r' % pkg)
    _THIRD_PARTY[pkg] = mod
    return mod


def third_party_dumps(pkg, obj, proto, main):
    mod = third_party_setup(pkg)
    if pkg == 'dill':
        # dill binds __main__ when it is imported (dill._dill._main_module); a script that
        # imports dill gets the script.  Point it at the case's __main__.
        import dill._dill
        dill._dill._main_module = main
    return mod.dumps(obj, protocol=proto)


def store_blob(blobdir, data):
    h = hashlib.sha256(data).hexdigest()
    path = os.path.join(blobdir, h)
    if not os.path.exists(path):
        tmp = path + '.tmp%d' % os.getpid()
        with open(tmp, 'wb') as f:
            f.write(data)
        os.rename(tmp, path)
    return h


def produce(job, out):
    impls = job['impls']
    blobdir = job['blobdir']
    for p in reversed(job.get('sys_path') or []):
        sys.path.insert(0, p)
    third_party = [impl for impl, _ in impls if impl not in ('c', 'py') and
                   not impl.startswith('lib:')]
    uuids = _SequentialUUIDs() if third_party else None
    for case in job['cases']:
        cid = case['id']
        if any(impl == 'lib:joblib' for impl, _ in impls):
            produce_joblib(case, impls, blobdir, out)
            continue
        if case.get('needs') and any(impl.startswith('lib:') for impl, _ in impls):
            produce_library(case, impls, blobdir, out)
            continue
        if case.get('needs'):
            produce_third_party(case, impls, blobdir, out, uuids)
            continue
        try:
            ns = exec_case(case['path'])
        except Exception as e:
            out_line(out, {'case': cid, 'error': 'exec: %s: %s' % (type(e).__name__, e)})
            continue
        obj = ns['obj']
        exts = case.get('extensions')
        pers = case.get('persistent', False)
        oob = case.get('oob', False)
        method = case.get('compress')
        for impl, producer in impls:
            for proto in case['protocols']:
                if proto > HIGHEST:
                    continue
                register_extensions(exts)
                try:
                    if method:
                        data, bufs = dump_compressed(impl, obj, proto, pers, method), []
                    else:
                        data, bufs = dump(impl, obj, proto, pers, oob)
                except Exception as e:
                    out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                                   'error': '%s: %s' % (type(e).__name__, e)})
                    continue
                finally:
                    clear_extensions(exts)
                if data is None:
                    out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                                   'skip': 'no %s module' % method})
                    continue
                rec = {'case': cid, 'producer': producer, 'proto': proto,
                       'sha': store_blob(blobdir, data),
                       'bufs': [store_blob(blobdir, b) for b in bufs]}
                out_line(out, rec)


def produce_third_party(case, impls, blobdir, out, uuids):
    cid = case['id']
    for impl, producer in impls:
        if impl not in case['needs']:
            continue
        try:
            third_party_setup(impl)
        except Exception as e:
            out_line(out, {'case': cid, 'producer': producer,
                           'error': 'import %s: %s: %s' % (impl, type(e).__name__, e)})
            continue
        uuids.reset()
        try:
            cm = _CaseMain(case['path'], case['relpath'])
            ns = cm.__enter__()
        except Exception as e:
            out_line(out, {'case': cid, 'error': 'exec: %s: %s' % (type(e).__name__, e)})
            continue
        try:
            obj = ns['obj']
            for proto in case['protocols']:
                if proto > HIGHEST:
                    continue
                try:
                    data = third_party_dumps(impl, obj, proto, cm.module)
                except Exception as e:
                    out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                                   'error': '%s: %s' % (type(e).__name__, e)})
                    continue
                out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                               'sha': store_blob(blobdir, data), 'bufs': []})
        finally:
            cm.__exit__(None, None, None)


_NO_OBJECT = object()


def library_case_object(case, out):
    """A libraries/ case's `obj`, the case run as an ordinary module with the real
    libraries importable (pjfixtures' numpy stand-in dropped first); _NO_OBJECT, with an
    error record written, when the case fails to run."""
    drop_numpy_stub()
    unblock_third_party()
    try:
        return exec_case(case['path'])['obj']
    except Exception as e:
        out_line(out, {'case': case['id'], 'error': 'exec: %s: %s' % (type(e).__name__, e)})
        return _NO_OBJECT


def produce_library(case, impls, blobdir, out):
    """A libraries/ case, in the environment that has the real libraries (make.py --with
    numpy,pandas,sklearn): the case runs as an ordinary module with the real packages
    imported (pjfixtures' numpy stand-in dropped first) and pickle.dumps (Python 2.7:
    cPickle.dumps, what numpy and pandas users' pickles are) writes it at each protocol;
    with OOB, protocol 5 passes the arrays' buffers out-of-band."""
    cid = case['id']
    obj = library_case_object(case, out)
    if obj is _NO_OBJECT:
        return
    for impl, producer in impls:
        for proto in case['protocols']:
            if proto > HIGHEST:
                continue
            try:
                data, bufs = dump('c', obj, proto, False, case.get('oob', False))
            except Exception as e:
                out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                               'error': '%s: %s' % (type(e).__name__, e)})
                continue
            out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                           'sha': store_blob(blobdir, data),
                           'bufs': [store_blob(blobdir, b) for b in bufs]})


def joblib_dump(obj, compress):
    """joblib.dump of obj to memory at joblib's default protocol: (file bytes, cut), cut the
    [start, end) byte ranges of the (decompressed) file joblib wrote outside the pickle,
    one per array, recorded around NumpyArrayWrapper.write_array: the padding-length byte
    and padding (joblib >= 1.2) and the raw bytes, or an object array's own pickle."""
    import joblib
    from joblib import numpy_pickle
    wrapper = numpy_pickle.NumpyArrayWrapper
    original = wrapper.write_array
    cut = []

    def write_array(self, array, pickler):
        start = pickler.file_handle.tell()
        original(self, array, pickler)
        cut.append([start, pickler.file_handle.tell()])
    wrapper.write_array = write_array
    try:
        f = io.BytesIO()
        joblib.dump(obj, f, compress=compress)
    finally:
        wrapper.write_array = original
    return f.getvalue(), cut


def produce_joblib(case, impls, blobdir, out):
    """A libraries/ case that NEEDS joblib, through joblib.dump (make.py --with joblib):
    plain and compressed (pjcompress.JOBLIB_COMPRESS), each at joblib's default protocol;
    the record's `cut` says which bytes of the file are not pickle (joblib_dump)."""
    cid = case['id']
    obj = library_case_object(case, out)
    if obj is _NO_OBJECT:
        return
    for impl, producer in impls:
        for compress in (0, pjcompress.JOBLIB_COMPRESS):
            try:
                data, cut = joblib_dump(obj, compress)
                plain = pjcompress.decompress(data) if compress else data
                proto = pjcanon.pickle_protocol(plain)
            except Exception as e:
                out_line(out, {'case': cid, 'producer': producer, 'proto': -1,
                               'error': '%s: %s' % (type(e).__name__, e)})
                continue
            out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                           'sha': store_blob(blobdir, data), 'bufs': [], 'cut': cut})


# ---------------------------------------------------------------------------
# read

_ADDR = re.compile(r'0x[0-9a-fA-F]{4,}')


def clean_message(msg):
    msg = _ADDR.sub('0x?', msg)
    # Module reprs name files by absolute path; keep messages independent of the checkout.
    msg = msg.replace(os.path.join(HERE, ''), 'generators/')
    if len(msg) > 300:
        msg = msg[:300] + '...'
    return msg


def type_name(e):
    t = type(e)
    mod = getattr(t, '__module__', '')
    if mod in ('builtins', 'exceptions', '__builtin__', '_pickle', 'pickle', 'cPickle'):
        return t.__name__
    return '%s.%s' % (mod, t.__name__)


def exc_message(e):
    if isinstance(e, KeyError):
        s = repr(e.args[0]) if e.args else ''
    else:
        try:
            s = str(e)
        except Exception:
            s = repr(e)
    if PY2 and isinstance(s, str):
        s = s.decode('latin-1')
    if not isinstance(s, type(u'')):
        s = s.decode('latin-1')
    s = s.encode('ascii', 'backslashreplace').decode('ascii')
    return clean_message(s)


def load_kwargs(opts, buffers):
    """The Unpickler keyword arguments (Python 3) for a case's load options."""
    kw = {}
    for k in ('encoding', 'errors', 'fix_imports'):
        if k in opts:
            kw[k] = opts[k]
    if buffers is not None and HIGHEST >= 5:
        kw['buffers'] = buffers
    return kw


def load(impl, data, opts, buffers):
    pers = opts.get('persistent_load', False)
    if PY2:
        if not pers:
            return (cPickle.loads if impl == 'c' else pypickle.loads)(data)
        if impl == 'c':
            u = cPickle.Unpickler(CBytesIO(data))
        else:
            u = pypickle.Unpickler(io.BytesIO(data))
        if pers:
            u.persistent_load = pjcanon.persistent_load
        return u.load()
    kw = load_kwargs(opts, buffers)
    if not pers:
        # pickle.loads / pickle._loads: the whole input is in memory, as most users load
        return (pypickle.loads if impl == 'c' else pypickle._loads)(data, **kw)
    base = pypickle.Unpickler if impl == 'c' else pypickle._Unpickler
    if pers:
        class U(base):
            def persistent_load(self, pid):
                return pjcanon.persistent_load(pid)
        u = U(io.BytesIO(data), **kw)
    else:
        u = base(io.BytesIO(data), **kw)
    return u.load()


class StandIn(object):
    """What every global becomes in the stand-in reload: accepts any call and state."""

    def __init__(self, *args, **kwargs):
        self._args = (args, kwargs)

    def __call__(self, *args, **kwargs):
        return StandIn(*args, **kwargs)

    def __setstate__(self, state):
        self._state = state

    def append(self, x):
        pass

    def extend(self, xs):
        for _ in xs:
            pass

    def add(self, x):
        pass

    def __setitem__(self, k, v):
        pass


_STANDINS = {}


def stand_in(module, name):
    key = (module, name)
    if key not in _STANDINS:
        _STANDINS[key] = type(str('StandIn'), (StandIn,), {})
    return _STANDINS[key]


def loads_with_standins(impl, data, opts, buffers):
    """Load with every global replaced by an inert stand-in class: what a data-only
    codec sees. Succeeds exactly when a failure came from class code, not the stream."""
    if PY2:
        if impl == 'c':
            u = cPickle.Unpickler(CBytesIO(data))
            u.find_global = stand_in
        else:
            class U2(pypickle.Unpickler):
                def find_class(self, module, name):
                    return stand_in(module, name)
            u = U2(io.BytesIO(data))
        u.persistent_load = pjcanon.persistent_load
        return u.load()
    kw = load_kwargs(opts, buffers)
    base = pypickle.Unpickler if impl == 'c' else pypickle._Unpickler

    class U(base):
        def find_class(self, module, name):
            return stand_in(module, name)

        def persistent_load(self, pid):
            return pjcanon.persistent_load(pid)
    return U(io.BytesIO(data), **kw).load()


# ---------------------------------------------------------------------------
# The data-only reading (readers cpython-3.13-dataonly and cpython-2.7-dataonly;
# docs/CANON.md section 7)
#
# What a codec that imports nothing and runs no class code loads from a third-party
# pickle, computed by CPython: pickle._Unpickler (Python 2.7: pickle.py's Unpickler), where
# every global of an unimportable module (DATA_ONLY_MODULES) is an inert stand-in class and
# every call the stream makes with a stand-in involved is recorded instead of run.  A
# recorded call or instance answers __reduce_ex__ with the reduction the stream wrote, so
# pjcanon describes it as the `reduce`/`object` node a data-only codec reads off the
# opcodes.  The same code runs on 2.7: stand-ins are new-style classes with an explicit
# __qualname__ attribute (pjcanon reads it on 2.7 too), and 2.7's Unpickler differences
# (old-style class, _instantiate(klass, mark), no NEWOBJ_EX, POP never pops a mark) are
# handled where they matter.

# Modules whose globals are stand-ins (data_only_modules()): the third-party picklers' and,
# for a libraries/ case, the libraries' (never importable in a reader) and __main__ (the
# producer's script; in a reader it is this file).  Any other
# global is CPython's own object, or a stand-in when CPython cannot import it.
def data_only_modules():
    return blocked_modules() + ('__main__',)

if PY2:
    _TEXT_TYPES = (str, unicode)  # noqa: F821
else:
    _TEXT_TYPES = (str,)


def __newobj_ex__(cls, args, kwargs):
    """copyreg.__newobj_ex__ where the interpreter has none (2.7): the callable of a recorded
    instantiation with keyword arguments (pjcanon reads it by name, as an `object`)."""
    return cls.__new__(cls, *args, **kwargs)


_NEWOBJ_EX = getattr(copyreg, '__newobj_ex__', __newobj_ex__)


class _StandInMeta(type):
    """The metaclass of stand-in globals: `<global m.a>.b` is the stand-in `m.a.b`;
    calling a stand-in global records the call."""

    def __getattr__(cls, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return stand_in_global(cls.__module__, cls.__qualname__ + '.' + name)

    def __call__(cls, *args, **kwargs):
        if kwargs:
            raise TypeError('a pickle stream cannot pass keyword arguments to a call')
        return _Record.call(cls, args)


class _Record(object):
    """A stand-in instance: one call (REDUCE / INST / OBJ with arguments) or instantiation
    (NEWOBJ, NEWOBJ_EX, INST / OBJ without arguments) the stream made, with what it then
    did to the result: BUILD state, list items, dict items, a state setter."""
    _pj_class_like = True   # pjcanon: may stand for a class (NEWOBJ of a computed class)

    def __new__(klass, *args, **kwargs):
        # cls.__new__(cls, *args[, **kwargs]): NEWOBJ / NEWOBJ_EX / INST of a stand-in
        # global class (klass is it) or of a recorded call (klass is a _Record instance).
        return _Record.newobj(klass, args, kwargs)

    @staticmethod
    def _make(kind, func, args, kwargs=None):
        r = object.__new__(_Record)
        r._pj_kind = kind
        r._pj_func = func
        r._pj_args = args
        r._pj_kwargs = kwargs
        r._pj_state = None
        r._pj_items = []
        r._pj_dictitems = []
        r._pj_setter = None
        return r

    @staticmethod
    def call(func, args):
        return _Record._make('call', func, args)

    @staticmethod
    def newobj(cls, args, kwargs):
        return _Record._make('newobj', cls, args, kwargs)

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise TypeError('a pickle stream cannot pass keyword arguments to a call')
        return _Record.call(self, args)

    def __setstate__(self, state):   # BUILD
        self._pj_state = state

    def append(self, x):             # APPEND
        self._pj_items.append(x)

    def extend(self, xs):            # APPENDS
        self._pj_items.extend(xs)

    def __setitem__(self, k, v):     # SETITEM(S)
        self._pj_dictitems.append((k, v))

    def __reduce_ex__(self, protocol):
        if self._pj_kind == 'call':
            func, args = self._pj_func, self._pj_args
        elif self._pj_kwargs:
            func = _NEWOBJ_EX
            args = (self._pj_func, self._pj_args, self._pj_kwargs)
        else:
            func = copyreg.__newobj__
            args = (self._pj_func,) + tuple(self._pj_args)
        return (func, args, self._pj_state, iter(self._pj_items),
                iter(self._pj_dictitems), self._pj_setter)

    def __repr__(self):
        return '<stand-in %s>' % self._pj_kind


_DATA_ONLY_GLOBALS = {}


def stand_in_global(module, name):
    """The stand-in class for the global `module.name` (one per name)."""
    key = (module, name)
    cls = _DATA_ONLY_GLOBALS.get(key)
    if cls is None:
        last = name.rsplit('.', 1)[-1]
        if PY2 and isinstance(last, unicode):  # noqa: F821
            last = last.encode('utf-8')
        cls = _StandInMeta(str(last), (_Record,), {})
        cls.__module__ = module
        cls.__qualname__ = name
        _DATA_ONLY_GLOBALS[key] = cls
    return cls


def _is_stand_in(x):
    return isinstance(x, _Record) or isinstance(x, _StandInMeta)


def _involves_stand_in(x, seen=None, depth=0):
    """Whether x is a stand-in or a container (tuple, list, dict, set) holding one."""
    if _is_stand_in(x):
        return True
    t = type(x)
    if t not in (tuple, list, dict, set, frozenset):
        return False
    if seen is None:
        seen = set()
    if id(x) in seen or depth > 200:
        return False
    seen.add(id(x))
    items = list(x.items()) if t is dict else list(x)
    for e in items:
        if t is dict:
            if _involves_stand_in(e[0], seen, depth + 1) or _involves_stand_in(e[1], seen, depth + 1):
                return True
        elif _involves_stand_in(e, seen, depth + 1):
            return True
    return False


def _data_only_call(func, args):
    """REDUCE `func(*args)` in the data-only reading.  A stand-in (global or record) is
    never run: the call is recorded.  A real callable runs natively unless a stand-in is
    among its arguments (anywhere inside them): then the call is recorded too, as a
    data-only codec, which runs nothing, reads it -- except the plain-value encodings of
    CANON.md section 7, which mean the value they build: getattr(<stand-in m.a>, 'b') is the
    stand-in m.a.b, set(...)/frozenset(...) of a list, tuple or set build the set, and
    functools.partial(cls.__new__, cls, *a, **kw)() is cls instantiated."""
    if not isinstance(args, tuple):
        raise TypeError('argument list must be a tuple')
    if _is_stand_in(func):
        folded = _partial_newobj_ex(func, args)
        if folded is not None:
            return folded
        return _Record.call(func, args)
    if (func is getattr and len(args) == 2 and isinstance(args[0], _StandInMeta)
            and type(args[1]) in _TEXT_TYPES):
        return stand_in_global(args[0].__module__, args[0].__qualname__ + '.' + args[1])
    if func in (set, frozenset) and len(args) == 1 and \
            type(args[0]) in (list, tuple, set, frozenset):
        return func(*args)
    if _involves_stand_in(args):
        return _Record.call(func, args)
    return func(*args)


def _partial_newobj_ex(func, args):
    """functools.partial(cls.__new__, cls, *a, **kw) called with (), as protocols 2-3
    write copyreg.__newobj_ex__, when the partial is a recorded call (its function a
    stand-in): the instantiation it means.  REDUCE(functools.partial, (f,)) with BUILD
    state (f, (cls, *a), kw or None, _), f a stand-in global named *__new__, cls a
    stand-in (global or computed: CANON.md section 7 lets a class be computed; picklejar's
    normalize.rs partial_newobj_ex asks for a global)."""
    import functools
    if args or not isinstance(func, _Record) or func._pj_kind != 'call':
        return None
    if func._pj_func is not functools.partial:
        return None
    st = func._pj_state
    if type(st) is not tuple or len(st) != 4:
        return None
    _, pargs, kw, _ = st
    if type(pargs) is not tuple or not pargs:
        return None
    pa = func._pj_args
    if not pa or not isinstance(pa[0], _StandInMeta) or not pa[0].__qualname__.endswith('__new__'):
        return None
    cls = pargs[0]
    if not _is_stand_in(cls):   # a class the stream names or computes (CANON.md s.7)
        return None
    if kw is not None and type(kw) is not dict:
        return None
    return _Record.newobj(cls, tuple(pargs[1:]), kw or None)


def _data_only_unpickler():
    if PY2:
        # pickle.py's Unpickler (an old-style class); no fix_imports: 2.7 reads the names
        # the stream wrote, and pjcanon maps Python 2 names to Python 3's in the canon.
        base = pypickle.Unpickler
        _compat_pickle = None
    else:
        base = pypickle._Unpickler
        import _compat_pickle

    class DataOnlyUnpickler(base):
        dispatch = {}

        def __init__(self, *a, **kw):
            base.__init__(self, *a, **kw)
            self._pj_ops = 0
            self._pj_last_reduce = None

        def find_class(self, module, name):
            m, n = module, name
            if not PY2 and self.proto < 3 and self.fix_imports:
                if (m, n) in _compat_pickle.NAME_MAPPING:
                    m, n = _compat_pickle.NAME_MAPPING[(m, n)]
                elif m in _compat_pickle.IMPORT_MAPPING:
                    m = _compat_pickle.IMPORT_MAPPING[m]
            if m.split('.')[0] in data_only_modules():
                return stand_in_global(m, n)
            try:
                return base.find_class(self, module, name)
            except (ImportError, AttributeError):
                # A name CPython cannot resolve (dill's `__builtin__.__main__`, a Python 2
                # module name in a protocol 3+ stream): a data-only codec reads a name.
                return stand_in_global(m, n)

        def persistent_load(self, pid):
            return pjcanon.persistent_load(pid)

    d = DataOnlyUnpickler.dispatch

    def counted(f):
        def op(self):
            self._pj_ops += 1
            f(self)
        return op
    for k, f in base.dispatch.items():
        d[k] = counted(f)

    def load_reduce(self):
        stack = self.stack
        args = stack.pop()
        func = stack[-1]
        v = _data_only_call(func, args)
        stack[-1] = v
        self._pj_last_reduce = (v, self._pj_ops)

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if not PY2 and not isinstance(args, tuple):
            raise TypeError('NEWOBJ expected an arg tuple.')
        if not _is_stand_in(cls) and _involves_stand_in(args):
            self.append(_Record.newobj(cls, args, None))
            return
        self.append(cls.__new__(cls, *args))

    def load_newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        if not _is_stand_in(cls) and (_involves_stand_in(args) or _involves_stand_in(kwargs)):
            self.append(_Record.newobj(cls, args, kwargs))
            return
        self.append(cls.__new__(cls, *args, **kwargs))

    def load_pop(self):
        # `setter(obj, state)` REDUCE'd and at once POPped is a state setter: obj takes
        # the state and the setter.  The conditions are picklejar's (crates/codec/src/load/
        # machine.rs, apply_state_setter): the popped value is what the REDUCE just before
        # this POP pushed, a recorded call (not a value a plain-value encoding built),
        # its arguments a 2-tuple whose first item is a stand-in instance with no setter.
        if self.stack or PY2:   # 2.7's POP only pops the stack (IndexError when empty)
            v = self.stack[-1]
            last = self._pj_last_reduce
            if last is not None and last[0] is v and last[1] == self._pj_ops - 1 and \
                    isinstance(v, _Record) and v._pj_kind == 'call' and \
                    type(v._pj_args) is tuple and len(v._pj_args) == 2:
                target, state = v._pj_args
                if type(target) is _Record and target._pj_setter is None:
                    target._pj_state = state
                    target._pj_setter = v._pj_func
            del self.stack[-1]
        else:
            self.pop_mark()

    def _instantiate(self, klass, args):
        if not _is_stand_in(klass) and _involves_stand_in(args):
            self.append(_Record.call(klass, tuple(args)))
            return
        base._instantiate(self, klass, args)

    def _instantiate2(self, klass, k):
        # 2.7: _instantiate(klass, mark index), the arguments on the stack above the mark.
        # A stand-in global class without arguments is instantiated, as 3.x's
        # klass.__new__(klass) does (2.7 would call it: a `reduce` with no arguments).
        args = tuple(self.stack[k + 1:])
        if isinstance(klass, _StandInMeta) and not args:
            del self.stack[k:]
            self.append(_Record.newobj(klass, (), None))
            return
        if not _is_stand_in(klass) and _involves_stand_in(args):
            del self.stack[k:]
            self.append(_Record.call(klass, args))
            return
        base._instantiate(self, klass, k)

    DataOnlyUnpickler._instantiate = _instantiate2 if PY2 else _instantiate
    for opname, f in (('REDUCE', load_reduce), ('NEWOBJ', load_newobj),
                      ('NEWOBJ_EX', load_newobj_ex), ('POP', load_pop)):
        if not hasattr(pypickle, opname):   # 2.7 has no NEWOBJ_EX
            continue
        code = getattr(pypickle, opname)[0]
        d[code] = counted(f)
    return DataOnlyUnpickler


_DATA_ONLY_CLASS = []


def loads_data_only(data, opts, buffers):
    """Load with the data-only reading (Python 2.7's Unpickler takes no options)."""
    if not _DATA_ONLY_CLASS:
        _DATA_ONLY_CLASS.append(_data_only_unpickler())
    if PY2:
        return _DATA_ONLY_CLASS[0](io.BytesIO(data)).load()
    kw = load_kwargs(opts, buffers)
    return _DATA_ONLY_CLASS[0](io.BytesIO(data), **kw).load()


def read_data_only(data, protocol, opts, buffers):
    """The outcome of reader cpython-X.Y-dataonly (X.Y: this interpreter, 3.13 or 2.7): a
    skip unless CPython's own reading (the C unpickler, as read_one reports it) is
    `unresolved` at a global of a blocked third-party module; then the canon (or error) of
    the data-only reading."""
    try:
        load('c', data, opts, buffers)
        return {'skip': 'loads without stand-ins'}
    except Exception as e:
        kind = pjcanon.classify_error(e, 'c', sys.exc_info()[2])
        if kind != 'unresolved' or not _blocked_import(e):
            return {'skip': 'not a blocked import: %s' % kind}
    ref = read_one('c', data, protocol, opts, None if buffers is None else
                   [bytes(b) for b in buffers], ('load', data))
    if ref.get('error', {}).get('kind') != 'unresolved':
        # read_one found a stream error past the blocked import (CANON.md section 10):
        # that is the reference, for data-only codecs too.
        return {'skip': 'the reference is %s' % ref.get('error', {}).get('kind')}
    try:
        obj = loads_data_only(data, opts, buffers)
    except Exception as e:
        kind = pjcanon.classify_error(e, 'py', sys.exc_info()[2])
        return {'error': {'kind': kind, 'type': type_name(e), 'message': exc_message(e)}}
    return canon_result(obj, protocol, buffers)


def canon_result(obj, protocol, buffers):
    """A reader's record of a loaded object: its canon, or why the canon failed."""
    try:
        return {'canon': pjcanon.canon_json(obj, protocol, buffers)}
    except Exception as e:
        return {'canon_failure': '%s: %s' % (type(e).__name__, exc_message(e)),
                'trace': traceback.format_exc()[-2000:]}


def unwrap(data, cut=None):
    """What a reader loads from a file: ('load', pickle bytes), or ('result', outcome) when
    the file is compressed and cannot be decompressed (an error record), or ('skip', why)
    when this interpreter has no module for its compression.  A joblib file's `cut` ranges
    (of the decompressed bytes: its arrays, apply_cut) are left out."""
    method = pjcompress.detect(data)
    if method is None:
        return 'load', pjcompress.apply_cut(data, cut)
    if not pjcompress.available(method):
        return 'skip', 'no %s module in Python %s' % (method, VERSION)
    try:
        return 'load', pjcompress.apply_cut(pjcompress.decompress(data), cut)
    except pjcompress.Error as e:
        return 'result', {'error': e.record()}


# Error kinds that only the stream can cause, never a stand-in class (which accepts any
# call, state and items): every kind but these (bad-argument and limit-exceeded are not
# among them; bad-compression is found before loading).
STREAM_KINDS = tuple(k for k in pjcanon.ERROR_KINDS if k not in (
    'construct', 'unresolved', 'bad-argument', 'limit-exceeded', 'bad-compression'))


def read_one(impl, data, protocol, opts, bufdata, unwrapped=None):
    """Load one variant (decompressing it first when it is a compressed file; `unwrapped`
    is unwrap(data) when the caller already has it) and return its outcome, with the
    events of its stand-in reading (`imports`, pjimports.py) when there are any.

    The stand-in reading comes first and imports nothing; when it finds a global outside
    generators/safe_globals.txt, the real reading refuses every global (`blocked`: those
    names), so that what an evasion case names is never imported or called."""
    what, payload = unwrapped if unwrapped is not None else unwrap(data)
    if what == 'skip':
        return {'skip': payload}
    if what == 'result':
        return dict(payload)
    data = payload
    exts = opts.get('extensions')
    buffers = None
    if bufdata is not None and not PY2:
        buffers = [bytearray(b) for b in bufdata]
    failure = None
    register_extensions(exts)
    try:
        events, finds = pjimports.record(
            impl, data, opts, None if buffers is None else [bytearray(b) for b in buffers])
    except pjimports.RecordError as e:
        # No events to trust: refuse every global of the real reading too.
        events, finds, failure = [], [('?', '?')], str(e)
    finally:
        clear_extensions(exts)
    blocked = pjimports.unsafe(finds)
    res = _read_loaded(impl, data, protocol, opts, buffers, blocked)
    if events:
        res['imports'] = events
    if blocked:
        res['blocked'] = ['%s.%s' % f for f in blocked]
    if failure:
        res['imports_failure'] = failure
    return res


def _read_loaded(impl, data, protocol, opts, buffers, blocked):
    """read_one's real reading of the (decompressed) pickle; `blocked`: refuse every global
    (pjimports.load_blocked)."""
    exts = opts.get('extensions')
    register_extensions(exts)
    try:
        try:
            if blocked:
                obj = pjimports.load_blocked(impl, data, opts, buffers, pjcanon.persistent_load)
            else:
                obj = load(impl, data, opts, buffers)
        except Exception as e:
            tb = sys.exc_info()[2]
            kind = pjcanon.classify_error(e, impl, tb)
            if kind not in ('unresolved', 'unsupported-protocol'):
                # Did the stream fail, or a class's code? Reload with stand-ins to tell.
                try:
                    loads_with_standins(impl, data, opts, buffers)
                    kind = 'construct'
                except Exception:
                    pass
            elif kind == 'unresolved' and (blocked or _blocked_import(e)):
                # A third-party pickler's module, which readers never import, or a global
                # the gate refused: past it, would the stream load? A failure no stand-in
                # can cause (the text of a Python 2 str under this encoding, a cut stream,
                # ...) is what a data-only codec meets: report that instead.
                try:
                    loads_with_standins(impl, data, opts, buffers)
                except Exception as e2:
                    kind2 = pjcanon.classify_error(e2, impl, sys.exc_info()[2])
                    if kind2 in STREAM_KINDS:
                        return {'error': {'kind': kind2, 'type': type_name(e2),
                                          'message': exc_message(e2)}}
            return {'error': {'kind': kind, 'type': type_name(e), 'message': exc_message(e)}}
    finally:
        clear_extensions(exts)
    return canon_result(obj, protocol, buffers)


def read_data_only_task(data, protocol, opts, bufdata, unwrapped):
    what, payload = unwrapped
    if what != 'load':
        return {'skip': 'compressed'}
    exts = opts.get('extensions')
    buffers = [bytearray(b) for b in bufdata] if bufdata is not None else None
    register_extensions(exts)
    try:
        return read_data_only(payload, protocol, opts, buffers)
    finally:
        clear_extensions(exts)


def read(job, out):
    impls = job['impls']
    done = set(job.get('done', []))
    for i, task in enumerate(job['tasks']):
        if all('%d|%s|%d' % (i, r, j) in done
               for r in [r for _, r in impls] + ([task['dataonly']] if task.get('dataonly') else [])
               for j in range(len(task['optsets']))):
            continue
        data, bufdata = task_bytes(task)
        readers = list(impls)
        if task.get('dataonly'):
            readers.append(('dataonly', task['dataonly']))
        block = library_block() if task.get('libraries') else None
        if block is not None:
            block.__enter__()
        try:
            read_task(i, task, data, bufdata, readers, done, out)
        finally:
            if block is not None:
                block.__exit__(None, None, None)


def read_task(i, task, data, bufdata, readers, done, out):
    """Every reading of one task (a variant) by `readers` with each option set."""
    unwrapped = None
    for impl, reader in readers:
        for j, extra in enumerate(task['optsets']):
            if '%d|%s|%d' % (i, reader, j) in done:
                continue
            out_line(out, {'begin': [i, reader, j]})
            opts = dict(task['load'])
            opts.update(extra)
            if unwrapped is None:
                unwrapped = unwrap(data, task.get('cut'))   # once per file, not per reader and option set
            if impl == 'dataonly':
                res = read_data_only_task(data, task['protocol'], opts, bufdata, unwrapped)
            else:
                res = read_one(impl, data, task['protocol'], opts, bufdata, unwrapped)
            res['task'] = i
            res['reader'] = reader
            res['opt'] = j
            out_line(out, res)


# ---------------------------------------------------------------------------
# resolve: the library readings (make.py --with numpy,pandas,sklearn)

def resolve_one(data, bufdata, joblib_file=False):
    """Load a libraries/ variant with the real classes of the libraries installed here
    (pickle.loads, Python 2.7: cPickle.loads; compressed files decompressed first; a joblib
    file with joblib.load, of the whole file): {'ok': True} or {'error': {kind, type,
    message}}."""
    if joblib_file:
        import joblib
        return resolution(lambda: joblib.load(io.BytesIO(data)))
    what, payload = unwrap(data)
    if what == 'skip':
        return {'skip': payload}
    if what == 'result':
        return dict(payload)
    buffers = None
    if bufdata is not None and not PY2:
        buffers = [bytearray(b) for b in bufdata]
    return resolution(lambda: load('c', payload, {}, buffers))


def resolution(call):
    """{'ok': True} when call() returns, else the error it raised, classified."""
    try:
        call()
    except Exception as e:
        kind = pjcanon.classify_error(e, 'c', sys.exc_info()[2])
        if kind in pjcanon.NOT_CLASSIFIED:
            # the stream is what the library wrote: an exception the classification does
            # not know came from the library's own reconstruction code
            kind = 'construct'
        return {'error': {'kind': kind, 'type': type_name(e), 'message': exc_message(e)}}
    return {'ok': True}


def resolve(job, out):
    """Mode `resolve`: every task (a variant of a libraries/ case) loaded with the real
    libraries (pjfixtures' numpy stand-in dropped first); one record a task."""
    for p in reversed(job.get('sys_path') or []):
        sys.path.insert(0, p)
    drop_numpy_stub()
    unblock_third_party()   # joblib 1.6 (scikit-learn's) imports cloudpickle
    reader = job['reader']
    for i, task in enumerate(job['tasks']):
        if task['protocol'] > HIGHEST:
            continue
        data, bufdata = task_bytes(task)
        res = resolve_one(data, bufdata, task.get('container') == 'joblib')
        if 'skip' in res:
            continue
        res['task'] = i
        res['reader'] = reader
        res['opt'] = 0
        out_line(out, res)


def main():
    mode, jobfile, outfile = sys.argv[1:4]
    with open(jobfile) as f:
        job = json.load(f)
    with open(outfile, 'a') as out:
        if mode == 'produce':
            produce(job, out)
        elif mode == 'read':
            read(job, out)
        elif mode == 'resolve':
            resolve(job, out)
        else:
            raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
