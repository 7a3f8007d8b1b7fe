"""pj: the corpus generator's driver, split by concern (Python 3.6+, no third-party packages).

generators/make.py is the entry point; these modules do its work:

    ids         interpreter versions, producer and reader identifiers, their order
    discovery   finding interpreters (--python, pyenv, PATH) and the environment they run in
    thirdparty  the dill/cloudpickle producers' environments (make.py --with)
    cases       reading and linting generators/cases/ and generators/features.txt
    workers     running pjrun.py inside an interpreter (jobs, crash recovery)
    produce     running the producers; the variants they wrote
    read        running the readers on every variant
    yaml        THE writer and parser of case.yaml, manifest.yaml and features.yaml
    corpus      writing corpus/ (case directories, manifest, features, README.md)
    check       --check (comparing a regeneration with corpus/) and the result checks
    new         `make.py new CATEGORY/NAME`
    build       the default command: select, produce, read, check or write

The scripts that run inside every interpreter (CPython 2.7 and 3.6+) are not here: they
are pjrun.py, pjcanon.py (the canon and the error kinds, ERROR_KINDS), pjcompress.py,
pjimports.py (imports and calls, the safety gate) and pjfixtures.py beside make.py.  docs/CORPUS.md specifies what these modules write.
"""
import os
import sys

GENERATORS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(GENERATORS)
CASES_DIR = os.path.join(GENERATORS, 'cases')
CORPUS_DIR = os.path.join(ROOT, 'corpus')
FEATURES_SRC = os.path.join(GENERATORS, 'features.txt')
WORKER = os.path.join(GENERATORS, 'pjrun.py')
VENVS_DIR = os.path.join(GENERATORS, '.venvs')

# pjcanon, pjcompress (imported by these modules) live in generators/.
if GENERATORS not in sys.path:
    sys.path.insert(0, GENERATORS)


def log(*a):
    print(*a, file=sys.stderr, flush=True)
