"""Reading the evasion cases imports and runs nothing they name.

Every variant of generators/cases/evasion/ is read the way make.py's readers (and the
runner's CPython codec) read it, pjrun.read_one with the C and the pure-Python unpickler
and every option set, in a CPython 3.8+ subprocess whose audit hook (sys.addaudithook)
logs imports, process creation, exec/compile and pickle.find_class.  None of those may
happen for what the cases name, and no module a case names may be newly imported.  The
stand-in reading (generators/pjimports.py) records what CPython would import and call;
the safety gate then refuses every global of the real reading.
"""
import json
import os
import subprocess
import sys

import pytest

from conftest import GENERATORS
from pj.cases import load_all_cases
from pj.discovery import discover, worker_env
from pj.ids import vkey

# Audit events that run something, or look a global up for real.
RUNS = ('os.system', 'os.exec', 'os.posix_spawn', 'os.spawn', 'os.fork', 'os.startfile',
        'subprocess.Popen', 'exec', 'compile', 'pickle.find_class', 'code.__new__',
        'cpython.run_', 'ctypes.', 'socket.', 'webbrowser.')
# Modules the cases name (their top-level names), beyond os/posix/builtins, which any
# interpreter has imported before it runs a line.
NAMED = ('subprocess', 'runpy', 'pydoc', 'pip', 'pkgutil', 'importlib', 'code', 'codeop',
         'operator', 'tempfile', 'types', 'copyreg', 'copy_reg', 'pickle', '__builtin__')

CHILD = r'''
import json, sys
sys.path.insert(0, GENERATORS)
import pjrun, pjcompress, pjimports, pjcanon, zlib, gzip
job = json.loads(sys.stdin.read())
# Warm up what a reading imports lazily (decompression, the blocked reading, the
# stand-in re-check) on harmless pickles, so that the log below is about the cases only.
warm = [bytes(bytearray([0x80, 2, 0x4e, 0x2e])), b"cpj_no_such_module\nthing\n)R\xff",
        b"(V\\u006f\nS'\\x73'\nt."]
for data in warm + [gzip.compress(warm[0])]:
    for impl in ("c", "py"):
        pjrun.read_one(impl, data, 0, {}, None)
log = []
def hook(name, args):
    if name == "import":
        log.append([name, str(args[0])])
    elif name == "exec" and getattr(args[0], "co_name", None) == "<module>":
        # a module's code run by an import: which one is what matters
        log.append(["exec-module", args[0].co_filename])
    elif name.startswith(RUNS):
        log.append([name, repr(args)[:200]])
before = set(sys.modules)
sys.addaudithook(hook)
results = []
for t in job:
    data = bytes(bytearray(t["data"]))
    for impl in ("c", "py"):
        for opts in t["opts"]:
            r = pjrun.read_one(impl, data, 0, opts, None)
            results.append([t["id"], impl, r.get("imports", []), r.get("blocked", [])])
new = sorted(set(sys.modules) - before)
sys.stdout.write(json.dumps({"log": log, "new_modules": new, "results": results}))
'''


def python38():
    """The newest CPython 3.8+ found (make.py's discovery), else this one if it is 3.8+."""
    found = [(vkey(v), info['path']) for v, info in discover({}).items()
             if vkey(v) >= (3, 8)]
    if found:
        return max(found)[1]
    if sys.version_info >= (3, 8):
        return sys.executable
    return None


def evasion_job():
    cases, _, errors = load_all_cases()
    assert not errors, errors
    job = []
    for c in cases:
        if not c['id'].startswith('evasion/'):
            continue
        opts = [dict(c['load'])]
        for extra in c['extra_reads']:
            o = dict(c['load'])
            o.update(extra)
            opts.append(o)
        job.append({'id': c['id'], 'data': list(bytearray(c['data'])), 'opts': opts})
    return job


@pytest.fixture(scope='module')
def reading():
    py = python38()
    if py is None:
        pytest.skip('no CPython 3.8+ (sys.addaudithook) found')
    job = evasion_job()
    assert job, 'no evasion cases'
    code = 'GENERATORS = %r\nRUNS = %r\n' % (GENERATORS, RUNS) + CHILD
    proc = subprocess.run([py, '-c', code], input=json.dumps(job).encode('utf-8'),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=worker_env(),
                          cwd=os.path.dirname(GENERATORS), timeout=600)
    assert proc.returncode == 0, proc.stderr.decode('utf-8', 'replace')[-3000:]
    return job, json.loads(proc.stdout.decode('utf-8'))


def test_nothing_is_run_or_looked_up_for_real(reading):
    _, out = reading
    runs = [e for e in out['log'] if e[0] not in ('import', 'exec-module')]
    assert runs == [], runs
    # module code runs only for imports, and only of codecs (a text opcode's decoding)
    modules = [e[1] for e in out['log'] if e[0] == 'exec-module']
    assert all(os.sep + 'encodings' + os.sep in m for m in modules), modules


def test_no_named_module_is_imported(reading):
    _, out = reading
    imported = [e for e in out['log'] if e[0] == 'import' and e[1].split('.')[0] in NAMED]
    assert imported == [], imported
    new = [m for m in out['new_modules'] if m.split('.')[0] in NAMED]
    assert new == [], new


def test_every_evasion_case_is_recorded_and_refused(reading):
    job, out = reading
    ids = {t['id'] for t in job}
    recorded = {}
    for cid, impl, imports, blocked in out['results']:
        finds = [e for e in imports if e[0] == 'find']
        if finds:
            # what the stand-in reading found, the gate refused
            assert blocked, (cid, impl, imports)
        recorded.setdefault(cid, []).append(imports)
    assert set(recorded) == ids
    # every case but the one whose payload sits in an unread second pickle imports something
    quiet = sorted(cid for cid, runs in recorded.items() if not any(runs))
    assert quiet == ['evasion/second_pickle_hidden'], quiet
