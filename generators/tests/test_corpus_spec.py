"""The committed corpus follows docs/CORPUS.md: ids, orders, names and option sets."""
import os
import re

import pytest

from conftest import CORPUS
from pj.cases import LOAD_KEYS, READ_OPTION_KEYS
from pj.ids import (ALL_PRODUCERS, ALL_READERS, DATAONLY_READERS, LIBRARY_READER_ORDER,
                    LIBRARY_READERS, PRODUCER_ORDER, READER_ORDER)
from pj.yaml import parse_case, parse_manifest

# docs/CORPUS.md section 5
ID_RE = re.compile(r'^(cpython-[0-9]+\.[0-9]+(-py)?|cpython-2\.7-cPickle|cpython-(2\.7|3\.13)-dataonly|'
                   r'pypy-[0-9]+\.[0-9]+|(dill|cloudpickle|numpy|pandas|sklearn|joblib)-[0-9]+\.[0-9]+|'
                   r'handwritten)$')


@pytest.fixture(scope='module')
def docs(corpus_cases):
    return [(path, parse_case(text)) for path, text in corpus_cases]


def test_the_id_grammar_spells_every_known_id():
    for i in ALL_PRODUCERS + ALL_READERS:
        assert ID_RE.match(i), i


def test_variants_files_and_orders(docs):
    for path, doc in docs:
        keys = [(v['protocol'], PRODUCER_ORDER[v['producers'][0]], v['sha256'])
                for v in doc['variants']]
        assert keys == sorted(keys), path
        assert set(doc['load']) <= LOAD_KEYS
        third_party = False
        for v in doc['variants']:
            stem = 'p%d-%s' % (v['protocol'], v['sha256'][:12])
            assert v['file'] == stem + '.pkl'
            assert v['buffers'] == ['%s.buf%d' % (stem, i) for i in range(len(v['buffers']))]
            assert v['written_at'] == sorted(set(v['written_at'])) and v['written_at']
            assert os.path.getsize(os.path.join(os.path.dirname(path), v['file'])) == v['size']
            assert all(ID_RE.match(p) for p in v['producers'])
            assert v['producers'] == sorted(v['producers'], key=PRODUCER_ORDER.__getitem__)
            if v['producers'] == ['handwritten']:
                assert v['written_at'] == [v['protocol']]
            third_party |= any(p.startswith(('dill-', 'cloudpickle-', 'numpy-', 'pandas-', 'sklearn-'))
                               for p in v['producers'])
            for g in v.get('resolves', []):
                assert g['readers'] == sorted(g['readers'], key=LIBRARY_READER_ORDER.__getitem__)
            option_sets = []
            seen = set()
            for g in v['results']:
                assert g['readers'] and all(ID_RE.match(r) for r in g['readers'])
                assert g['readers'] == sorted(g['readers'], key=READER_ORDER.__getitem__)
                assert set(g['options']) <= READ_OPTION_KEYS
                key = repr(sorted(g['options'].items()))
                if not option_sets or option_sets[-1][0] != key:
                    assert key not in [k for k, _ in option_sets], (path, v['file'])
                    option_sets.append((key, []))
                firsts = option_sets[-1][1]
                firsts.append(READER_ORDER[g['readers'][0]])
                assert firsts == sorted(firsts)
                for r in g['readers']:
                    assert (key, r) not in seen
                    seen.add((key, r))
                dataonly = [r for r in g['readers'] if r in DATAONLY_READERS]
                if dataonly:
                    # a data-only reading is recorded only where CPython's own is not a canon
                    assert g['readers'] == dataonly, (path, v['file'], g['readers'])
            assert option_sets[0][0] == '[]', (path, v['file'])   # the plain read first
            readers = {r for g in v['results'] for r in g['readers']}
            if v.get('compression') == 'xz':
                assert not {'cpython-2.7', 'cpython-2.7-py'} & readers
            if not third_party:
                assert not set(DATAONLY_READERS) & readers


def test_manifest_lists_ids_in_order():
    with open(os.path.join(CORPUS, 'manifest.yaml'), encoding='utf-8') as f:
        m = parse_manifest(f.read())
    prods = [e['id'] for e in m['producers']]
    reads = [e['id'] for e in m['readers']]
    assert prods == sorted(prods, key=PRODUCER_ORDER.__getitem__)
    # the library readers (`resolves`) come after the others, in their own order
    lib = [r for r in reads if r in LIBRARY_READER_ORDER]
    reads = [r for r in reads if r not in LIBRARY_READER_ORDER]
    assert reads == sorted(reads, key=READER_ORDER.__getitem__)
    assert lib == sorted(lib, key=LIBRARY_READER_ORDER.__getitem__)
    assert set(lib) <= set(LIBRARY_READERS)
    impl = {e['id']: e['implementation'] for e in m['producers']}
    assert impl.get('cpython-2.7') in (None, 'py')          # the 2.7 asymmetry
    assert impl.get('cpython-2.7-cPickle') in (None, 'c')
    rimpl = {e['id']: e['implementation'] for e in m['readers']}
    assert rimpl.get('cpython-2.7') in (None, 'c')
    assert all(e['hash_seed'] == 0 for e in m['producers'] + m['readers'])
