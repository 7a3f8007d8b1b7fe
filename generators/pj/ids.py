"""Interpreter versions and the identifiers of producers and readers (docs/CORPUS.md s.5).

    cpython-X.Y           producer: X.Y's C pickler (2.7: pickle.py's)   reader: C unpickler
    cpython-X.Y-py        producer and reader: the pure-Python pickle (3.x; reader also 2.7)
    cpython-2.7-cPickle   producer: 2.7's cPickle
    dill-X.Y, cloudpickle-X.Y   producers: the third-party picklers on CPython X.Y
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
HASH_SEED = '0'
HANDWRITTEN = 'handwritten'
# The reader whose error kind a reject case's ERROR must name.
ERROR_REFERENCE_READER = 'cpython-3.13'
# Third-party picklers a case can NEED: the producer `<package>-X.Y` runs `<package>.dumps`
# in an interpreter with the package installed from generators/requirements-<package>.txt.
THIRD_PARTY = ('dill', 'cloudpickle')
# Protocols each third-party pickler is asked for (of those the case and interpreter have).
THIRD_PARTY_PROTOCOLS = {'dill': [0, 1, 2, 3, 4, 5], 'cloudpickle': [0, 1, 2, 3, 4, 5]}
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
    return tuple(int(x) for x in v.split('.'))


def highest(version):
    """The highest protocol the interpreter `version` writes and reads."""
    return HIGHEST.get(version, 5)


def version_matches(spec, version):
    """Whether `version` ("3.8") is among a PYTHONS entry: "2.7", "3.6+", "3.6-3.12"."""
    spec = spec.strip()
    if spec.endswith('+'):
        return vkey(version) >= vkey(spec[:-1])
    if '-' in spec:
        lo, hi = spec.split('-')
        return vkey(lo) <= vkey(version) <= vkey(hi)
    return vkey(spec) == vkey(version)


def producers_of(version):
    """[(impl, producer id)] of CPython `version`; impl is what pjrun.py calls it."""
    if version == '2.7':
        return [('py', 'cpython-2.7'), ('c', 'cpython-2.7-cPickle')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def readers_of(version):
    """[(impl, reader id)] of CPython `version`."""
    if version == '2.7':
        return [('c', 'cpython-2.7'), ('py', 'cpython-2.7-py')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def third_party_producer(package, version):
    return '%s-%s' % (package, version)


def api_name(v, impl, what):
    """The manifest's `api` of a CPython producer (what='dump') or reader (what='load')."""
    if v == '2.7':
        if what == 'dump':
            return 'cPickle.dumps' if impl == 'c' else 'pickle.Pickler (pickle.py)'
        return 'cPickle.Unpickler' if impl == 'c' else 'pickle.Unpickler (pickle.py)'
    if what == 'dump':
        return 'pickle.Pickler (_pickle)' if impl == 'c' else 'pickle._Pickler'
    return 'pickle.Unpickler (_pickle)' if impl == 'c' else 'pickle._Unpickler'


ALL_PRODUCERS = ([p for v in VERSIONS for _, p in producers_of(v)] +
                 [third_party_producer(pkg, v) for pkg in THIRD_PARTY for v in VERSIONS] +
                 [HANDWRITTEN])
ALL_READERS = [r for v in VERSIONS for _, r in readers_of(v)] + DATAONLY_READERS
# The order producers and readers are listed in (case.yaml, manifest.yaml, README.md).
PRODUCER_ORDER = {p: i for i, p in enumerate(ALL_PRODUCERS)}
READER_ORDER = {r: i for i, r in enumerate(ALL_READERS)}
