"""Interpreter versions and the identifiers of producers and readers (docs/CORPUS.md s.5).

    cpython-X.Y           producer: X.Y's C pickler (2.7: pickle.py's)   reader: C unpickler
    cpython-X.Y-py        producer and reader: the pure-Python pickle (3.x; reader also 2.7)
    cpython-2.7-cPickle   producer: 2.7's cPickle
    pypy-X.Y              producer and reader: PyPy X.Y's pickle (pure Python: pickle.dumps is
                          pickle._Pickler, pickle.loads pickle._Unpickler; PyPy has no _pickle)
    dill-X.Y, cloudpickle-X.Y   producers: the third-party picklers on CPython X.Y
    numpy-X.Y, pandas-X.Y, sklearn-X.Y   producers: CPython X.Y's pickle.dumps of a
                          libraries/ case with the real library installed; readers (the
                          `resolves` of case.yaml): pickle.loads with the real library
    joblib-X.Y            producer: joblib.dump on CPython X.Y of a libraries/ case with
                          JOBLIB (plain and zlib-compressed); reader: joblib.load
    handwritten           producer: the bytes of a case file's DATA
    cpython-2.7-dataonly, cpython-3.13-dataonly   readers: the data-only reading
                          (pjrun.read_data_only) on Python 2.7 / 3.13

and the spelling of case ids and feature names.
"""
import re

# A case id is <category>/<name>, both lowercase snake_case; feature names may also have '-'.
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
CASE_ID_RE = re.compile(r'^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*$')
FEATURE_NAME_RE = re.compile(r'^[a-z][a-z0-9_-]*$')

VERSIONS = ['2.7', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
# PyPy: the Python versions a PyPy may implement (Debian's pypy3 is 3.9).  Its interpreter
# key (in make.py's {key: info} of the interpreters found) is `pypyX.Y`, its producer and
# reader id `pypy-X.Y`.  CPython's keys are the bare versions of VERSIONS.
PYPY_VERSIONS = ['3.9', '3.10', '3.11']
PYPY_KEYS = ['pypy' + v for v in PYPY_VERSIONS]
# Every interpreter key, in the order producers and readers are listed.
INTERPRETERS = VERSIONS + PYPY_KEYS


def is_pypy(key):
    """Whether the interpreter key (or id) names a PyPy: `pypy3.9`, `pypy-3.9`."""
    return key.startswith('pypy')


def py_version(key):
    """The Python version an interpreter key implements: `3.9` for `3.9` and `pypy3.9`."""
    return key[len('pypy'):] if is_pypy(key) else key


def pypy_id(key):
    """The producer and reader id of the PyPy with interpreter key `key` (`pypy3.9`)."""
    return 'pypy-' + py_version(key)


def interpreter_key(ident):
    """The interpreter key of a CPython or PyPy producer or reader id, or None (third-party
    producers, handwritten, the data-only readers)."""
    if ident.startswith('pypy-'):
        return 'pypy' + ident[len('pypy-'):]
    m = re.match(r'^cpython-(\d+\.\d+)(-py|-cPickle)?$', ident)
    return m.group(1) if m else None
HASH_SEED = '0'
HANDWRITTEN = 'handwritten'
# The reader whose error kind a reject case's ERROR must name.
ERROR_REFERENCE_READER = 'cpython-3.13'
# Third-party picklers a case can NEED: the producer `<package>-X.Y` runs `<package>.dumps`
# in an interpreter with the package installed from generators/requirements-<package>.txt.
THIRD_PARTY = ('dill', 'cloudpickle')
# The real libraries a libraries/ case can NEED (pj/libraries.py): the producer
# `<library>-X.Y` is CPython X.Y's own pickle.dumps (2.7: cPickle.dumps) run with the
# library installed from generators/requirements-<library>.txt, and the reader of the same
# id loads those variants with the real library (`resolves` in case.yaml).
# joblib is the same kind of producer and reader, of the cases that NEED it beside their
# library (["numpy", "joblib"]): joblib.dump (its NumpyPickler, a pickle._Pickler that writes
# the arrays' bytes into the stream) and joblib.load.
JOBLIB = 'joblib'
LIBRARIES = ('numpy', 'pandas', 'sklearn', JOBLIB)
# Everything a case can NEED, in producer order.
NEEDABLE = THIRD_PARTY + LIBRARIES
# Protocols each third-party pickler is asked for (of those the case and interpreter have).
THIRD_PARTY_PROTOCOLS = {'dill': [0, 1, 2, 3, 4, 5], 'cloudpickle': [0, 1, 2, 3, 4, 5],
                         'numpy': [0, 1, 2, 3, 4, 5], 'pandas': [0, 1, 2, 3, 4, 5],
                         'sklearn': [0, 1, 2, 3, 4, 5], 'joblib': []}
# The data-only readings (pjrun.read_data_only, docs/CANON.md section 7): the pure-Python
# unpickler of CPython 3.13 (pickle._Unpickler) and of 2.7 (pickle.py's Unpickler) with
# inert stand-ins for the globals CPython cannot import.  Each reads the variants of cases
# that NEED a third-party pickler (3.13 with every option set, 2.7 with {} only) and
# records a result where its interpreter's own C reading (cpython-3.13, cpython-2.7) is
# `unresolved` at a blocked third-party import: the canon a data-only codec whose reference
# reader is that C reader is expected to load.
DATAONLY_VERSIONS = ['2.7', '3.13']


def dataonly_reader(version):
    """The data-only reader of CPython `version` (one of DATAONLY_VERSIONS)."""
    return 'cpython-%s-dataonly' % version


DATAONLY_READERS = [dataonly_reader(v) for v in DATAONLY_VERSIONS]
HIGHEST = {'2.7': 2, '3.6': 4, '3.7': 4}


def vkey(v):
    """A sort key of a version or interpreter key: a PyPy after the CPython of its version."""
    return tuple(int(x) for x in py_version(v).split('.')) + ((1,) if is_pypy(v) else ())


def highest(version):
    """The highest protocol the interpreter `version` (or key) writes and reads."""
    return HIGHEST.get(version, 5)


def joblib_protocol(version):
    """The protocol joblib.dump writes on CPython `version` by default: pickle's
    DEFAULT_PROTOCOL (Python 2.7: HIGHEST_PROTOCOL)."""
    return {'2.7': 2, '3.6': 3, '3.7': 3}.get(version, 4)


def version_matches(spec, version):
    """Whether `version` ("3.8") is among a PYTHONS entry: "2.7", "3.6+", "3.6-3.12"."""
    spec = spec.strip()
    version = py_version(version)
    if spec.endswith('+'):
        return vkey(version) >= vkey(spec[:-1])
    if '-' in spec:
        lo, hi = spec.split('-')
        return vkey(lo) <= vkey(version) <= vkey(hi)
    return vkey(spec) == vkey(version)


def producers_of(version):
    """[(impl, producer id)] of CPython `version` (or PyPy key); impl is what pjrun.py calls
    it (PyPy's pickle is pickle.py's: impl `py`)."""
    if is_pypy(version):
        return [('py', pypy_id(version))]
    if version == '2.7':
        return [('py', 'cpython-2.7'), ('c', 'cpython-2.7-cPickle')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def readers_of(version):
    """[(impl, reader id)] of CPython `version` (or PyPy key)."""
    if is_pypy(version):
        return [('py', pypy_id(version))]
    if version == '2.7':
        return [('c', 'cpython-2.7'), ('py', 'cpython-2.7-py')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def third_party_producer(package, version):
    return '%s-%s' % (package, version)


def api_name(v, impl, what):
    """The manifest's `api` of a CPython producer (what='dump') or reader (what='load')."""
    if is_pypy(v):
        return ('pickle.dumps (pickle._Pickler; PyPy has no _pickle)' if what == 'dump'
                else 'pickle.loads (pickle._Unpickler; PyPy has no _pickle)')
    if v == '2.7':
        if what == 'dump':
            return 'cPickle.dumps' if impl == 'c' else 'pickle.Pickler (pickle.py)'
        return 'cPickle.Unpickler' if impl == 'c' else 'pickle.Unpickler (pickle.py)'
    if what == 'dump':
        return 'pickle.Pickler (_pickle)' if impl == 'c' else 'pickle._Pickler'
    return 'pickle.Unpickler (_pickle)' if impl == 'c' else 'pickle._Unpickler'


ALL_PRODUCERS = ([p for v in INTERPRETERS for _, p in producers_of(v)] +
                 [third_party_producer(pkg, v) for pkg in NEEDABLE for v in VERSIONS] +
                 [HANDWRITTEN])
# The library readers (`resolves` in case.yaml), in the order they are listed.
LIBRARY_READERS = [third_party_producer(lib, v) for lib in LIBRARIES for v in VERSIONS]
LIBRARY_READER_ORDER = {r: i for i, r in enumerate(LIBRARY_READERS)}
ALL_READERS = [r for v in INTERPRETERS for _, r in readers_of(v)] + DATAONLY_READERS
# The order producers and readers are listed in (case.yaml, manifest.yaml, README.md).
PRODUCER_ORDER = {p: i for i, p in enumerate(ALL_PRODUCERS)}
READER_ORDER = {r: i for i, r in enumerate(ALL_READERS)}
