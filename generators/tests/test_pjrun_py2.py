"""pjrun.py inside CPython 2.7, through the path make.py uses (a JSON job, pjrun.py read /
produce): skipped when no Python 2.7 is found (--python, pyenv, PATH; pj.discovery)."""
import os

import pytest

from conftest import GENERATORS
from pj.discovery import candidates, probe
from pj.ids import producers_of, readers_of
from pj.workers import run_worker


def python27():
    for path in candidates('2.7', {}):
        info = probe(path)
        if info is not None and info['short'] == '2.7':
            return path
    return None


@pytest.fixture(scope='module')
def py27():
    path = python27()
    if path is None:
        pytest.skip('no CPython 2.7 found')
    return path


EXTA = '{"t":"global","module":"pjfixtures","name":"ExtA"}'
EXTB = '{"t":"global","module":"pjfixtures","name":"ExtB"}'
# The registry as a case's LOAD spells it; on 2.7, json.load makes the names `unicode`.
EXTENSIONS = {'1': ['pjfixtures', 'ExtA'], '65535': ['pjfixtures', 'ExtB']}


def read_27(py27, tmp_path, data, load):
    f = tmp_path / 'v.pkl'
    f.write_bytes(data)
    job = {'impls': readers_of('2.7'),
           'tasks': [{'file': str(f), 'bufs': [], 'protocol': 2, 'load': load,
                      'optsets': [{}]}]}
    recs = run_worker(py27, 'read', job, str(tmp_path), '2.7')
    return {r['reader']: r for r in recs}


def test_both_27_readers_load_ext_codes_registered_from_the_job(py27, tmp_path):
    # EXT1 1, EXT2 65535: cPickle's EXT loader wants the registry's names as `str`
    # ("_inverted_registry[1] isn't a 2-tuple of strings" when they are unicode).
    data = b'\x80\x02(\x82\x01\x83\xff\xffl.'
    got = read_27(py27, tmp_path, data, {'extensions': EXTENSIONS})
    assert set(got) == {'cpython-2.7', 'cpython-2.7-py'}
    for reader, r in got.items():
        assert r.get('canon') == '{"t":"list","v":[%s,%s]}' % (EXTA, EXTB), (reader, r)


def test_27_producers_write_ext_codes_registered_from_the_job(py27, tmp_path):
    blobdir = tmp_path / 'blobs'
    blobdir.mkdir()
    case = {'id': 'extensions/ext1', 'protocols': [2], 'persistent': False, 'oob': False,
            'path': os.path.join(GENERATORS, 'cases', 'extensions', 'ext1.py'),
            'extensions': {'1': ['pjfixtures', 'ExtA']}, 'compress': None, 'needs': [],
            'relpath': 'generators/cases/extensions/ext1.py'}
    recs = run_worker(py27, 'produce', {'impls': producers_of('2.7'), 'blobdir': str(blobdir),
                                        'cases': [case]}, str(tmp_path), '2.7')
    assert sorted(r.get('producer') for r in recs) == ['cpython-2.7', 'cpython-2.7-cPickle'], recs
    for r in recs:
        assert 'sha' in r, r
        data = (blobdir / r['sha']).read_bytes()
        assert b'\x82\x01' in data, (r['producer'], data)   # EXT1 1, not GLOBAL
        got = read_27(py27, tmp_path, data, {'extensions': case['extensions']})
        for reader, res in got.items():
            assert res.get('canon') == '{"t":"list","v":[%s,%s]}' % (EXTA, EXTA), (
                r['producer'], reader, res)


def test_the_registry_is_clean_after_a_read(py27, tmp_path):
    # register_extensions / clear_extensions pair up on 2.7 too: a second read without the
    # option finds code 1 unregistered.
    data = b'\x80\x02\x82\x01.'
    (tmp_path / 'v.pkl').write_bytes(data)
    job = {'impls': readers_of('2.7'),
           'tasks': [{'file': str(tmp_path / 'v.pkl'), 'bufs': [], 'protocol': 2,
                      'load': {'extensions': {'1': ['pjfixtures', 'ExtA']}}, 'optsets': [{}]},
                     {'file': str(tmp_path / 'v.pkl'), 'bufs': [], 'protocol': 2,
                      'load': {}, 'optsets': [{}]}]}
    recs = run_worker(py27, 'read', job, str(tmp_path), '2.7')
    by = {(r['task'], r['reader']): r for r in recs}
    for reader in ('cpython-2.7', 'cpython-2.7-py'):
        assert by[(0, reader)].get('canon') == EXTA, by
        assert by[(1, reader)].get('error', {}).get('kind') == 'unknown-extension', by


# The data-only reading on 2.7 (reader cpython-2.7-dataonly, pjrun.read_data_only; CANON.md
# section 7): (pickle, its canon, or None when the reading is not recorded).
G = '{"t":"global","module":"dill._dill","name":"%s"}'
DATAONLY_27 = [
    # REDUCE of a stand-in global: a `reduce`
    (b'\x80\x02cdill._dill\n_load_type\nX\x04\x00\x00\x00list\x85R.',
     '{"t":"reduce","callable":%s,"args":[{"t":"str","v":"list"}]}' % (G % '_load_type')),
    # INST without arguments + BUILD: an `object`; a Python 2 str is bytes on 2.7
    (b"(idill._dill\nThing\n(dp0\nS'a'\np1\nI1\nsb.",
     '{"t":"object","class":%s,"state":{"t":"dict","v":[[{"t":"bytes","v":"a"},'
     '{"t":"int","v":"1"}]]}}' % (G % 'Thing')),
    (b'(idill._dill\nC\n.', '{"t":"object","class":%s}' % (G % 'C')),
    # OBJ with arguments: a call
    (b'(cdill._dill\nC\nK\x01o.', '{"t":"reduce","callable":%s,"args":[{"t":"int","v":"1"}]}'
     % (G % 'C')),
    # INST of a real class with a stand-in argument: recorded, not run
    (b'(cdill._dill\nX\ni__builtin__\nlist\n.',
     '{"t":"reduce","callable":{"t":"global","module":"builtins","name":"list"},"args":[%s]}'
     % (G % 'X')),
    # NEWOBJ + BUILD
    (b'\x80\x02cdill._dill\nC\nq\x00K\x01K\x02\x86\x81q\x01}q\x02X\x01\x00\x00\x00xK\x01sb.',
     '{"t":"object","class":%s,"args":[{"t":"int","v":"1"},{"t":"int","v":"2"}],'
     '"state":{"t":"dict","v":[[{"t":"str","v":"x"},{"t":"int","v":"1"}]]}}' % (G % 'C')),
    # getattr(<stand-in>, u'b') is the stand-in A.b (the name is unicode on 2.7)
    (b'\x80\x02c__builtin__\ngetattr\ncdill._dill\nA\nX\x01\x00\x00\x00b\x86R.', G % 'A.b'),
    # copy_reg._reconstructor(<stand-in>, object, None): an `object`
    (b'\x80\x02ccopy_reg\n_reconstructor\ncdill._dill\nC\nc__builtin__\nobject\nN\x87R}'
     b'X\x01\x00\x00\x00yK\x02sb.',
     '{"t":"object","class":%s,"state":{"t":"dict","v":[[{"t":"str","v":"y"},'
     '{"t":"int","v":"2"}]]}}' % (G % 'C')),
    # a state setter: setter(obj, state) REDUCE + POP
    (b'\x80\x02cdill._dill\nC\n)\x81q\x00cdill._dill\nsetter\nh\x00}X\x01\x00\x00\x00zK\x03s'
     b'\x86R0.',
     '{"t":"object","class":%s,"state":{"t":"dict","v":[[{"t":"str","v":"z"},'
     '{"t":"int","v":"3"}]]},"setter":%s}' % (G % 'C', G % 'setter')),
    # not recorded: CPython 2.7 loads it; its reference is a stream error
    (b'\x80\x02]q\x00.', None),
    (b'\x80\x02cdill._dill\nC\n)\x81h\x00.', None),
]


def test_the_27_data_only_reading(py27, tmp_path):
    tasks = []
    for i, (data, _) in enumerate(DATAONLY_27):
        f = tmp_path / ('%d.pkl' % i)
        f.write_bytes(data)
        tasks.append({'file': str(f), 'bufs': [], 'protocol': 2, 'load': {}, 'optsets': [{}],
                      'dataonly': 'cpython-2.7-dataonly'})
    recs = run_worker(py27, 'read', {'impls': readers_of('2.7'), 'tasks': tasks},
                      str(tmp_path), '2.7')
    got = {r['task']: r for r in recs if r['reader'] == 'cpython-2.7-dataonly'}
    for i, (data, canon) in enumerate(DATAONLY_27):
        if canon is None:
            assert 'skip' in got[i], (data, got[i])
        else:
            assert got[i].get('canon') == canon, (data, got[i])
