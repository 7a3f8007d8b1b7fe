"""PyPy (producer and reader pypy-X.Y; its committed part replayed where it is missing) and
the real-library producers and readers (numpy-X.Y, pandas-X.Y, sklearn-X.Y; `resolves`)."""
import hashlib
import os
import re
import sys

import pytest

from conftest import GENERATORS
from pj import discovery, ids, yaml as pjyaml
from pj.cases import load_case
from pj.corpus import case_document, resolve_groups, variant_file, write_case
from pj.libraries import LIBRARY_DEPS, install_order
from pj.replay import absent_pypy_ids, replay_producers, replay_readers
from test_discovery import fake_env, fake_python  # noqa: F401  (fixture)
from test_yaml import case_doc, roundtrip_case


# ---------------------------------------------------------------------------
# ids

def test_pypy_and_library_ids_take_their_place_in_the_orders():
    prods = ids.ALL_PRODUCERS
    assert prods.index('cpython-3.13-py') < prods.index('pypy-3.9') < prods.index('dill-2.7')
    assert prods.index('cloudpickle-3.13') < prods.index('numpy-2.7') < prods.index('numpy-3.13') \
        < prods.index('pandas-2.7') < prods.index('sklearn-3.13') < prods.index('handwritten')
    readers = ids.ALL_READERS
    assert readers.index('cpython-3.13-py') < readers.index('pypy-3.9') \
        < readers.index('cpython-2.7-dataonly')
    assert 'numpy-3.12' not in readers   # library readers are in `resolves`, not `results`
    assert ids.LIBRARY_READERS[:2] == ['numpy-2.7', 'numpy-3.6']


def test_interpreter_keys():
    assert ids.producers_of('pypy3.9') == [('py', 'pypy-3.9')]
    assert ids.readers_of('pypy3.9') == [('py', 'pypy-3.9')]
    assert ids.highest('pypy3.9') == 5
    assert ids.version_matches('3.8+', 'pypy3.9') and not ids.version_matches('3.10+', 'pypy3.9')
    assert ids.interpreter_key('pypy-3.9') == 'pypy3.9'
    assert ids.interpreter_key('cpython-2.7-cPickle') == '2.7'
    assert ids.interpreter_key('dill-3.9') is None
    assert sorted(['pypy3.9', '3.10', '3.9', '2.7'], key=ids.vkey) == ['2.7', '3.9', 'pypy3.9', '3.10']
    assert 'PyPy' in ids.api_name('pypy3.9', 'py', 'dump')


# ---------------------------------------------------------------------------
# discovery

PYPY_ANSWER = 'PyPy 3.9 3.9.16 linux-x86_64'


def test_pypy3_on_path_is_found_under_its_key(fake_env):  # noqa: F811
    _, bindir = fake_env
    p = fake_python(str(bindir / 'pypy3'), PYPY_ANSWER)
    found = discovery.discover_pypy({})
    assert found == {'pypy3.9': {'short': '3.9', 'full': '3.9.16', 'platform': 'linux-x86_64',
                                 'path': p}}
    # PyPy is no CPython: `make.py pythons` (the runner's --python flags) does not list it
    assert discovery.discover({}) == {}


def test_pypy_candidates_in_order_and_cpython_is_passed_over(fake_env, tmp_path):  # noqa: F811
    pyenv, bindir = fake_env
    fake_python(str(bindir / 'pypy3'), '3.9 3.9.18 linux-x86_64')   # a CPython's answer
    assert discovery.discover_pypy({}) == {}
    pyenv_pypy = fake_python(str(pyenv / 'versions' / 'pypy3.9-7.3.11' / 'bin' / 'python'),
                             PYPY_ANSWER)
    over = fake_python(str(tmp_path / 'mine' / 'pypy'), PYPY_ANSWER)
    assert discovery.pypy_candidates('pypy3.9', {'pypy3.9': over}) == [
        over, pyenv_pypy, str(bindir / 'pypy3')]
    assert discovery.discover_pypy({'pypy3.9': over})['pypy3.9']['path'] == over
    assert discovery.discover_pypy({})['pypy3.9']['path'] == pyenv_pypy


def test_no_pypy_is_nothing_found(fake_env):  # noqa: F811
    assert discovery.discover_pypy({}) == {}


# ---------------------------------------------------------------------------
# replay: a missing PyPy's committed part is kept

def _case(source):
    return {'id': 'cat/name', 'source': source}


def _write_committed(corpus_dir, blobs):
    """A committed case.yaml with a variant CPython and PyPy wrote and one only PyPy wrote."""
    source = '"""A case."""\nFEATURES = ["list"]\nobj = [1]\n'
    shared, mine = b'\x80\x04shared.', b'\x80\x04pypy.'
    vl = []
    for data, prods, written in ((shared, ['cpython-3.13', 'pypy-3.9'], [4]),
                                 (mine, ['pypy-3.9'], [4, 5])):
        sha = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, sha), 'wb') as f:
            f.write(data)
        vl.append({'sha': sha, 'bufs': [], 'protocol': 4, 'size': len(data),
                   'compression': None, 'written_at': written, 'producers': prods,
                   'optsets': [{}],
                   'results': {(0, 'cpython-3.13'): {'canon': '{"t":"none"}'},
                               (0, 'pypy-3.9'): {'error': {'kind': 'truncated', 'type': 'EOFError',
                                                           'message': 'x'},
                                                 'imports': [['find', 'os', 'system']]}}})
    c = {'id': 'cat/name', 'description': 'A case.', 'features': ['list'], 'expect': 'accept',
         'source': source, 'load': {}}
    write_case(corpus_dir, c, vl, blobs)
    return source, shared, mine


def test_replay_keeps_what_a_missing_pypy_wrote_and_read(tmp_path):
    corpus_dir, blobs, new_blobs = (str(tmp_path / d) for d in ('corpus', 'blobs', 'new'))
    for d in (corpus_dir, blobs, new_blobs):
        os.makedirs(d)
    source, shared, mine = _write_committed(corpus_dir, blobs)
    assert absent_pypy_ids({'3.13': {}}) == ['pypy-3.9', 'pypy-3.10', 'pypy-3.11']
    assert absent_pypy_ids({'pypy3.9': {}}) == ['pypy-3.10', 'pypy-3.11']
    sha_shared = hashlib.sha256(shared).hexdigest()
    sha_mine = hashlib.sha256(mine).hexdigest()
    # CPython 3.13 here wrote the shared variant again
    produced = {'cat/name': {(sha_shared, ()): {'producers': {'cpython-3.13'}, 'written': {4}}}}
    docs, stale = replay_producers([_case(source)], produced, corpus_dir, new_blobs,
                                   ['pypy-3.9'])
    assert stale == []
    assert produced['cat/name'] == {
        (sha_shared, ()): {'producers': {'cpython-3.13', 'pypy-3.9'}, 'written': {4}},
        (sha_mine, ()): {'producers': {'pypy-3.9'}, 'written': {4, 5}}}
    with open(os.path.join(new_blobs, sha_mine), 'rb') as f:
        assert f.read() == mine   # the pypy-only variant comes back from its committed file
    variants = {'cat/name': [{'sha': sha_mine, 'optsets': [{}], 'results': {}}]}
    replay_readers([_case(source)], variants, docs, ['pypy-3.9'])
    var = variants['cat/name'][0]
    assert var['results'] == {(0, 'pypy-3.9'): {
        'error': {'kind': 'truncated', 'type': 'EOFError', 'message': 'x'},
        'imports': [['find', 'os', 'system']]}}
    assert var['replayed'] == {(0, 'pypy-3.9')}


def test_a_changed_case_is_not_replayed(tmp_path):
    corpus_dir, blobs = str(tmp_path / 'corpus'), str(tmp_path / 'blobs')
    os.makedirs(blobs)
    _write_committed(corpus_dir, blobs)
    produced = {'cat/name': {}}
    docs, stale = replay_producers([_case('"""Changed."""\n')], produced, corpus_dir, blobs,
                                   ['pypy-3.9'])
    assert docs == {} and stale == ["cat/name"] and produced == {"cat/name": {}}


# ---------------------------------------------------------------------------
# resolves: the library readings in case.yaml

def test_resolves_round_trip_after_results():
    doc = case_doc()
    doc['variants'][0]['resolves'] = [
        {'readers': ['numpy-2.7', 'numpy-3.6'],
         'error': {'kind': 'unresolved', 'type': 'ImportError',
                   'message': "No module named '_core'"}},
        {'readers': ['numpy-3.13'], 'ok': True}]
    text = roundtrip_case(doc)
    assert ('  resolves:\n  - readers: [numpy-2.7, numpy-3.6]\n    error: {kind: unresolved, '
            'type: ImportError, message: "No module named \'_core\'"}\n  - readers: [numpy-3.13]\n'
            '    ok: true\n- file: p5-') in text


@pytest.mark.parametrize('bad', [[], [{'readers': ['numpy-3.9']}],
                                 [{'readers': ['numpy-3.9'], 'ok': False}],
                                 [{'readers': ['numpy-3.9'], 'ok': True, 'error': {}}]])
def test_resolves_the_writer_cannot_spell_are_refused(bad):
    doc = case_doc()
    doc['variants'][0]['resolves'] = bad
    with pytest.raises(pjyaml.YamlError):
        pjyaml.dump_case(doc)


def test_resolve_groups_group_equal_outcomes_in_reader_order():
    err = {'error': {'kind': 'unresolved', 'type': 'ImportError', 'message': 'm'}}
    got = resolve_groups({'numpy-3.13': {'ok': True}, 'numpy-2.7': err, 'numpy-3.9': {'ok': True},
                          'numpy-3.6': err})
    assert got == [dict(err, readers=['numpy-2.7', 'numpy-3.6']),
                   {'readers': ['numpy-3.9', 'numpy-3.13'], 'ok': True}]


def test_case_document_writes_resolves_only_where_there_are_some():
    c = {'id': 'libraries/x', 'description': 'd', 'features': ['numpy-real'],
         'expect': 'accept', 'source': 's\n', 'load': {}}
    var = {'sha': 'ab' * 32, 'bufs': [], 'protocol': 2, 'size': 1, 'written_at': [2],
           'producers': ['numpy-3.9'], 'optsets': [{}], 'results': {}}
    assert 'resolves' not in case_document(c, [var])['variants'][0]
    var['resolves'] = {'numpy-3.9': {'ok': True}}
    assert case_document(c, [var])['variants'][0]['resolves'] == [
        {'readers': ['numpy-3.9'], 'ok': True}]
    assert variant_file(var) == 'p2-ababababab' + 'ab.pkl'


# ---------------------------------------------------------------------------
# library cases: lint

FEATURES = {'numpy-real': 'numpy', 'dill': 'dill', 'buffer-oob': 'oob'}


def lint(tmp_path, text, cid):
    path = tmp_path / (cid.replace('/', '_') + '.py')
    path.write_text(text)
    errors = []
    return load_case(cid, str(path), FEATURES, errors), errors


LIB = '"""Arrays."""\nFEATURES = ["numpy-real"%s]\nNEEDS = [%s]\n%sobj = 1\n'


def test_a_library_case_in_libraries_may_be_out_of_band(tmp_path):
    case, errors = lint(tmp_path, LIB % (', "buffer-oob"', '"numpy"', 'OOB = True\n'),
                        'libraries/arrays')
    assert errors == [] and case['needs'] == ['numpy'] and case['oob']


@pytest.mark.parametrize('needs, cid, message', [
    ('"numpy"', 'numpy_like/arrays', 'needs that one only'),
    ('"numpy", "dill"', 'libraries/arrays', 'needs that one only'),
    ('"dill"', 'libraries/arrays', 'a case in libraries/ NEEDS one of: numpy, pandas, sklearn'),
    ('"torch"', 'libraries/arrays', 'NEEDS must be a list of: dill, cloudpickle, numpy, pandas'),
])
def test_library_needs_lint(tmp_path, needs, cid, message):
    _, errors = lint(tmp_path, LIB % ('', needs, ''), cid)
    assert any(message in e for e in errors), errors


def test_oob_still_does_not_go_with_a_third_party_pickler(tmp_path):
    _, errors = lint(tmp_path, LIB % ('', '"dill"', 'OOB = True\n'), 'functions/f')
    assert any('nor OOB unless it NEEDS a library' in e for e in errors), errors


# ---------------------------------------------------------------------------
# library environments: the pins

def test_install_order_puts_numpy_first_once():
    assert install_order(['sklearn', 'pandas']) == ['numpy', 'joblib', 'sklearn', 'pandas']
    assert install_order(['numpy']) == ['numpy']
    assert set(LIBRARY_DEPS) == set(ids.LIBRARIES)


_MARKER_RE = re.compile(r'python_version\s*(<|<=|==|>=|>)\s*"([0-9.]+)"')


def _marker_holds(marker, version):
    """The PEP 508 markers the requirements files use: python_version comparisons joined by
    `and` (version comparison, not string comparison)."""
    v = ids.vkey(version)
    ok = True
    for part in marker.split(' and '):
        m = _MARKER_RE.fullmatch(part.strip())
        assert m, 'unexpected marker %r' % part
        op, want = m.group(1), ids.vkey(m.group(2))
        have = v[:len(want)]
        ok = ok and {'<': have < want, '<=': have <= want, '==': have == want,
                     '>=': have >= want, '>': have > want}[op]
    return ok


def _pins(lib, version):
    pins = {}
    with open(os.path.join(GENERATORS, 'requirements-%s.txt' % lib)) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            req, _, marker = line.partition(';')
            name, _, pin = req.strip().partition('==')
            if not marker.strip() or _marker_holds(marker, version):
                assert name not in pins, '%s pinned twice for %s in %s' % (name, version, lib)
                pins[name] = pin
    return pins


@pytest.mark.parametrize('version', ids.VERSIONS)
def test_every_library_is_pinned_exactly_once_for_every_interpreter(version):
    dist = {'numpy': 'numpy', 'pandas': 'pandas', 'sklearn': 'scikit-learn', 'joblib': 'joblib'}
    seen = {}
    for lib in ids.LIBRARIES:
        pins = _pins(lib, version)
        assert dist[lib] in pins, '%s has no pin for %s' % (lib, version)
        for name, pin in pins.items():
            assert re.match(r'^[0-9][0-9a-z.]*$', pin), (lib, name, pin)
            assert seen.setdefault(name, pin) == pin   # one version per environment
    assert 'numpy' not in _pins('pandas', version) and 'numpy' not in _pins('sklearn', version)


def test_numpy_2_where_it_exists():
    assert _pins('numpy', '2.7') == {'numpy': '1.16.6'}
    assert _pins('numpy', '3.8')['numpy'].startswith('1.')
    assert _pins('numpy', '3.9')['numpy'].startswith('2.')
    assert _pins('numpy', '3.13')['numpy'].startswith('2.')


@pytest.mark.skipif(sys.version_info < (3, 6), reason='host Python 3')
def test_with_knows_the_libraries():
    from pj.build import with_packages
    assert with_packages(['numpy,pandas', 'sklearn,dill']) == ['numpy', 'pandas', 'sklearn', 'dill']
    with pytest.raises(SystemExit) as e:
        with_packages(['torch'])
    assert 'numpy, pandas, sklearn' in str(e.value)


@pytest.mark.parametrize('text', [
    '{"t":"str","v":"c1 \x85 \x9f del \x7f sep \u2028 \u2029 bom \ufeff \ufffe \uffff"}',
    '{"t":"str","v":"lone \ud800 \udfff"}',
    '{"t":"str","v":"escaped backslash then u0085: \\\\u0085, a C0 escape: \\u0001"}',
    'plain',
])
def test_replayed_canon_text_is_the_readers_text(text):
    from pj.replay import canon_text
    assert canon_text(pjyaml.yaml_safe_json(text)) == text
