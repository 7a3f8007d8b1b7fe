"""pj.check: the comparisons behind --check, on copies of committed cases."""
import os
import shutil

import pytest

from conftest import CORPUS
from pj import check
from pj.corpus import read_case, write_text
from pj.ids import ALL_PRODUCERS, ALL_READERS
from pj.yaml import dump_case

CASES = ['containers/list_1', 'rejects/append_empty', 'strings/py2_str_latin1']


@pytest.fixture
def trees(tmp_path):
    for cid in CASES:
        if not os.path.exists(os.path.join(CORPUS, cid, 'case.yaml')):
            pytest.skip('no committed %s' % cid)
    old, new = tmp_path / 'old', tmp_path / 'new'
    for root in (old, new):
        for cid in CASES:
            shutil.copytree(os.path.join(CORPUS, cid), str(root / cid))
    return str(old), str(new)


def test_identical_trees_have_no_differences(trees):
    old, new = trees
    assert check.compare_full(old, new, None) == []
    assert check.compare_restricted(old, new, CASES, set(ALL_PRODUCERS), set(ALL_READERS)) == []


def test_a_changed_byte_is_a_difference(trees):
    old, new = trees
    case = read_case(os.path.join(new, CASES[0], 'case.yaml'))
    path = os.path.join(new, CASES[0], case['variants'][0]['file'])
    with open(path, 'r+b') as f:
        b = f.read(1)
        f.seek(0)
        f.write(bytes([b[0] ^ 1]))
    assert check.compare_full(old, new, None) == [CASES[0]]
    assert check.compare_full(old, new, {CASES[1]}) == []
    assert check.compare_restricted(old, new, CASES, set(ALL_PRODUCERS),
                                    set(ALL_READERS)) == [CASES[0]]


def test_restricted_compares_only_what_the_interpreters_here_regenerate(trees):
    old, new = trees
    cid = CASES[2]
    path = os.path.join(new, cid, 'case.yaml')
    doc = read_case(path)
    # Regenerated without 2.7: its producers and readers are missing from the new tree.
    drop = {'cpython-2.7', 'cpython-2.7-cPickle', 'cpython-2.7-py'}
    for v in doc['variants']:
        v['producers'] = [p for p in v['producers'] if p not in drop]
        for g in v['results']:
            g['readers'] = [r for r in g['readers'] if r not in drop]
        v['results'] = [g for g in v['results'] if g['readers']]
    doc['variants'] = [v for v in doc['variants'] if v['producers']]
    write_text(path, dump_case(doc))
    producers = set(ALL_PRODUCERS) - drop
    readers = set(ALL_READERS) - drop
    assert check.compare_restricted(old, new, [cid], producers, readers) == []
    assert check.compare_full(old, new, None) == [cid]
    # With 2.7 here the same tree is missing what 2.7 would have written.
    assert check.compare_restricted(old, new, [cid], set(ALL_PRODUCERS),
                                    set(ALL_READERS)) == [cid]


def test_a_different_outcome_is_a_difference(trees):
    old, new = trees
    cid = CASES[1]
    path = os.path.join(new, cid, 'case.yaml')
    doc = read_case(path)
    g = doc['variants'][0]['results'][0]
    g.pop('canon', None)
    g['error'] = {'kind': 'truncated', 'type': 'EOFError', 'message': 'changed'}
    write_text(path, dump_case(doc))
    assert check.compare_restricted(old, new, CASES, set(ALL_PRODUCERS),
                                    set(ALL_READERS)) == [cid]
