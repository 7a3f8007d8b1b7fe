"""The error kinds: one definition (pjcanon.ERROR_KINDS), the same as docs/CANON.md's table,
and every kind the readers can record is one of them."""
import ast
import glob
import json
import os
import platform
import re
import subprocess
import sys

import pytest

import pjcanon
from conftest import CORPUS, DOCS, GENERATORS
from pjcanon import ERROR_KINDS, NOT_CLASSIFIED

# The modules whose code records error kinds: the readers (run in every interpreter) and
# the driver's modules.
SOURCES = ['pjcanon.py', 'pjrun.py', 'pjcompress.py'] + sorted(
    os.path.relpath(p, GENERATORS) for p in glob.glob(os.path.join(GENERATORS, 'pj', '*.py')))


def canon_md_kinds():
    with open(os.path.join(DOCS, 'CANON.md'), encoding='utf-8') as f:
        text = f.read()
    section = text.split('\n## 10. Errors', 1)[1].split('\n## ', 1)[0]
    return [m.group(1) for m in re.finditer(r'^\| `([a-z][a-z0-9-]*)` \|', section, re.M)]


def test_error_kinds_are_the_table_of_canon_md():
    kinds = canon_md_kinds()
    assert len(kinds) == len(set(kinds)) == 16
    assert len(ERROR_KINDS) == len(set(ERROR_KINDS))
    assert set(ERROR_KINDS) == set(kinds)
    assert not set(NOT_CLASSIFIED) & set(ERROR_KINDS)


def test_error_kinds_are_defined_once():
    defining = []
    for path in glob.glob(os.path.join(GENERATORS, '*.py')) + glob.glob(
            os.path.join(GENERATORS, 'pj', '*.py')):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == 'ERROR_KINDS' for t in node.targets):
                defining.append(os.path.relpath(path, GENERATORS))
    assert defining == ['pjcanon.py']
    import pj.cases
    assert pj.cases.ERROR_KINDS is pjcanon.ERROR_KINDS


def _kind_literals(path):
    """Every string the code can record as a kind: `'kind': '...'` in dict literals,
    pjcompress.Error('...', ...), the values of pjcanon's classification tables and the
    strings classify_error / classify_compression_error return."""
    with open(os.path.join(GENERATORS, path), encoding='utf-8') as f:
        tree = ast.parse(f.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == 'kind' and \
                        isinstance(v, ast.Constant):
                    found.add(v.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id == 'Error' and node.args and isinstance(node.args[0], ast.Constant):
            found.add(node.args[0].value)
        elif isinstance(node, ast.FunctionDef) and node.name in (
                'classify_error', 'classify_compression_error'):
            for r in ast.walk(node):
                if isinstance(r, ast.Return) and isinstance(r.value, ast.Constant):
                    found.add(r.value.value)
    return found


def test_every_kind_the_code_records_is_an_error_kind_or_marked_unclassified():
    seen = set()
    for path in SOURCES:
        kinds = _kind_literals(path)
        assert kinds <= set(ERROR_KINDS) | set(NOT_CLASSIFIED), (path, kinds)
        seen |= kinds
    tables = {k for _, k in pjcanon._MESSAGE_KINDS} | set(pjcanon._PY_FRAME_KINDS.values())
    assert tables <= set(ERROR_KINDS)
    # The scan does see the classification (not an empty pass).
    assert {'truncated', 'bad-compression', 'limit-exceeded', 'unknown', 'crash',
            'canon-failure'} <= seen


def test_committed_corpus_records_only_error_kinds(corpus_cases):
    from pj.yaml import parse_case
    recorded = set()
    for path, text in corpus_cases:
        doc = parse_case(text)
        if doc['expect'] == 'reject':
            assert doc['error'] in ERROR_KINDS, path
        for var in doc['variants']:
            for res in var['results']:
                if 'error' in res:
                    recorded.add(res['error']['kind'])
    assert recorded <= set(ERROR_KINDS)
    assert len(recorded) >= 10


# The readers themselves, run on the host Python 3 in a child process (pjrun installs an
# import blocker and a numpy stand-in, which stay out of this process): every reject and
# compressed variant of the corpus, with the C and the pure-Python unpickler.
READ_SCRIPT = r'''
import json, os, sys
sys.path.insert(0, sys.argv[1])
import pjrun
out = []
for job in json.load(sys.stdin):
    with open(job['path'], 'rb') as f:
        data = f.read()
    for impl in ('c', 'py'):
        r = pjrun.read_one(impl, data, job['protocol'], dict(job['load']), None)
        out.append([job['path'], impl, r.get('error') or ('canon' in r and 'canon') or r])
json.dump({'reads': out, 'stream_kinds': pjrun.STREAM_KINDS}, sys.stdout)
'''


@pytest.fixture(scope='module')
def host_reads(corpus_cases):
    from pj.yaml import parse_case
    jobs = []
    expected = {}
    minor = '%d.%d' % sys.version_info[:2]
    for path, text in corpus_cases:
        cid = os.path.relpath(os.path.dirname(path), CORPUS).replace(os.sep, '/')
        if not cid.startswith(('rejects/', 'compressed/')):
            continue
        doc = parse_case(text)
        for var in doc['variants']:
            if var['buffers']:
                continue
            vpath = os.path.join(os.path.dirname(path), var['file'])
            jobs.append({'path': vpath, 'protocol': var['protocol'], 'load': doc['load']})
            for res in var['results']:
                if res['options'] == {}:
                    for reader in res['readers']:
                        expected[(vpath, reader)] = res.get('error', 'canon')
    assert len(jobs) > 100
    p = subprocess.run([sys.executable, '-c', READ_SCRIPT, GENERATORS],
                       input=json.dumps(jobs).encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr.decode('utf-8', 'replace')[-3000:]
    doc = json.loads(p.stdout.decode('utf-8'))
    return doc['reads'], expected, minor, doc['stream_kinds']


def test_host_readers_record_only_error_kinds(host_reads):
    reads, _, _, _ = host_reads
    kinds = {r[2]['kind'] for r in reads if isinstance(r[2], dict)}
    assert kinds <= set(ERROR_KINDS), kinds - set(ERROR_KINDS)
    assert {'truncated', 'stack-underflow', 'bad-mark', 'unknown-opcode', 'bad-compression',
            'limit-exceeded'} <= kinds


def test_host_readers_agree_with_the_corpus(host_reads):
    reads, expected, minor, _ = host_reads
    with open(os.path.join(CORPUS, 'manifest.yaml'), encoding='utf-8') as f:
        from pj.yaml import parse_manifest
        manifest = parse_manifest(f.read())
    recorded = {e['id']: e['python'] for e in manifest['readers']}
    if recorded.get('cpython-' + minor) != platform.python_version():
        pytest.skip('the corpus was read by CPython %s, not this %s' % (
            recorded.get('cpython-' + minor), platform.python_version()))
    compared = 0
    for path, impl, got in reads:
        reader = 'cpython-%s%s' % (minor, '' if impl == 'c' else '-py')
        want = expected[(path, reader)]
        if isinstance(want, dict):
            assert isinstance(got, dict) and got['kind'] == want['kind'], (path, impl, got, want)
        else:
            assert got == 'canon', (path, impl, got)
        compared += 1
    assert compared == len(reads) > 200


def test_stream_kinds_are_the_kinds_only_a_stream_causes(host_reads):
    stream_kinds = host_reads[3]
    assert set(stream_kinds) < set(ERROR_KINDS)
    assert not {'construct', 'unresolved', 'bad-argument', 'limit-exceeded',
                'bad-compression'} & set(stream_kinds)
    assert len(stream_kinds) == len(ERROR_KINDS) - 5
