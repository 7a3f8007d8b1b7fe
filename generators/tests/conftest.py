"""Shared paths for the generator tests.  The tests run on the host Python 3 alone: what
needs another interpreter is skipped with a reason."""
import os
import sys

import pytest

GENERATORS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(GENERATORS)
CORPUS = os.path.join(ROOT, 'corpus')
DOCS = os.path.join(ROOT, 'docs')

if GENERATORS not in sys.path:
    sys.path.insert(0, GENERATORS)


def corpus_case_paths():
    import glob
    return sorted(glob.glob(os.path.join(CORPUS, '*', '*', 'case.yaml')))


@pytest.fixture(scope='session')
def corpus_cases():
    """[(path, text)] of every committed case.yaml."""
    paths = corpus_case_paths()
    if not paths:
        pytest.skip('no committed corpus under %s' % CORPUS)
    out = []
    for p in paths:
        with open(p, encoding='utf-8') as f:
            out.append((p, f.read()))
    return out
