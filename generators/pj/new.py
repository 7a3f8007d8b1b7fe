"""`make.py new CATEGORY/NAME`: scaffold generators/cases/CATEGORY/NAME.py from TEMPLATE."""
import os

from . import CASES_DIR, ROOT
from .ids import CASE_ID_RE


TEMPLATE = '''"""{title}: one line that says what this case pins down.

More words if needed (only the first paragraph goes into case.yaml's description).
"""
# Runs unchanged on Python 2.7 and 3.6+: no f-strings, no third-party imports.
# The whole file is copied into case.yaml as `source`.

FEATURES = ["list"]          # names from generators/features.txt
# PYTHONS = ["3.8+"]         # producers that write it ("2.7", "3.6+", "3.6-3.12"); default all
# PROTOCOLS = [2, 3, 4, 5]   # protocols to write; default 0-5 (each producer: those it has)
# LOAD = {{"encoding": "latin1"}}   # options every reader uses (encoding, errors,
#                              fix_imports, extensions, persistent_load)
# EXTRA_READS = [{{"fix_imports": False}}]   # further reads by the Python 3 readers
# OOB = True                 # protocol 5: buffers out-of-band (buffer_callback)
# COMPRESS = "gzip"          # pickle.dump straight into a gzip / "bz2" / "xz" file
# NEEDS = ["dill", "cloudpickle"]   # written by these third-party picklers instead of
#                              CPython's (make.py --with dill,cloudpickle); the case runs
#                              as __main__, so what it defines is pickled by value

import pjfixtures  # noqa: F401  (classes that pickle by reference must come from here)

obj = [1, 2, 3]

# A hand-written reject instead sets raw bytes (and no obj):
# EXPECT = "reject"
# ERROR = "truncated"        # the kind CPython 3.13's C unpickler raises (docs/CANON.md s.10)
# DATA = b"\\x80\\x04K"
# Hand-written DATA may be a compressed file (gzip, bz2, xz, zstd: detected by magic bytes;
# pjcompress.py has byte-exact writers for gzip members, deflate blocks and zstd frames).
'''


def cmd_new(name, cases_dir=None):
    """Write generators/cases/NAME.py (under cases_dir if given); returns its path.
    SystemExit when the name is not CATEGORY/NAME in lowercase snake_case or the file
    exists."""
    if not CASE_ID_RE.match(name):
        raise SystemExit('name must be CATEGORY/NAME, lowercase snake_case')
    path = os.path.join(cases_dir or CASES_DIR, name + '.py')
    if os.path.exists(path):
        raise SystemExit('exists: ' + os.path.relpath(path, ROOT))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='ascii', newline='\n') as f:
        f.write(TEMPLATE.format(title=name))
    print('created %s; edit it, then run: python3 generators/make.py --only %s' % (
        os.path.relpath(path, ROOT), name))
    return path
