#!/usr/bin/env python3
"""Regenerate picklejar's corpus from the case definitions in generators/cases/.

    python3 generators/make.py                  regenerate everything with the interpreters found
    python3 generators/make.py --only 'scalars/*'   regenerate the matching cases only
    python3 generators/make.py --check          regenerate into a temp dir, fail on any difference
    python3 generators/make.py new CATEGORY/NAME    scaffold a case file
    python3 generators/make.py lint             lint the case files and the feature registry only
    python3 generators/make.py --with dill,cloudpickle   also run the third-party producers
    python3 generators/make.py --with numpy,pandas,sklearn,joblib   also the real-library
                                                producers and readers (libraries/ cases;
                                                pj/libraries.py; joblib: joblib.dump files)

Interpreters: --python VERSION=PATH (repeatable), then $PYENV_ROOT/versions/VERSION*/bin/python,
then pythonVERSION on PATH.  PyPy (producer and reader pypy-X.Y) the same way under the key
pypyX.Y (--python pypy3.9=PATH, pyenv's pypy3.9-*, pypy3.9 or pypy3 on PATH); where no PyPy
is found, its committed variants and readings are kept as they are (pj/replay.py), so
--check passes with or without it.  Runs under any Python 3.6+; no third-party packages.
The work is done by the package pj/ beside this file (pj/__init__.py lists its modules:
discovery, produce, read, yaml, check, new, ...).  The scripts that run inside each
interpreter are pjrun.py (produce + read), pjcanon.py (canon and error kinds),
pjfixtures.py (the pickled classes; frame_padding for the frame-boundary cases),
pjcompress.py (compressed files: detection by magic bytes, decompression with a 256 MiB
cap) and pjimports.py (the stand-in reading that records imports and calls, and the safety
gate).  docs/CORPUS.md specifies what is written.

Case files (generators/cases/<category>/<name>.py) set `obj` (or `DATA` bytes for a
hand-written case) and these optional keys, all literals:

    FEATURES     names from generators/features.txt (required)
    PYTHONS      interpreters that produce it: ["2.7", "3.6+", "3.6-3.12"]; default all
    PROTOCOLS    protocols to write; default 0-5 (each producer writes those it has)
    LOAD         load options every reader uses (encoding, errors, fix_imports, extensions,
                 persistent_load)
    EXTRA_READS  further option sets the Python 3 readers load with (encoding, errors,
                 fix_imports)
    OOB          protocol 5: buffers out-of-band
    EXPECT, ERROR  "reject" and the error kind (hand-written cases only)
    COMPRESS     "gzip" | "bz2" | "xz": every producer pickles `obj` straight into a
                 compressed file (pickle.dump into gzip.GzipFile(mtime=0, no name,
                 compresslevel=9) / bz2.open(compresslevel=9) / lzma.open() defaults; Python
                 2.7 writes bz2 through a temporary file and has no lzma, so writes no xz).
                 Hand-written DATA needs no key: compression is detected by magic bytes.
    NEEDS        third-party picklers that write this case instead of CPython's own
                 (["dill", "cloudpickle"]): producers dill-X.Y / cloudpickle-X.Y, run only
                 with `--with dill,cloudpickle` (installed from the pinned
                 requirements-<package>.txt into generators/.venvs/, ignored by git).
                 Without them the case is skipped with a message and its committed corpus
                 files are kept as they are (also by --check).  The case runs as the
                 __main__ module of the producer (functions and classes it defines are
                 pickled by value); readers never need the package: they load with
                 CPython's own unpicklers, where `dill`/`cloudpickle` cannot be imported.

A case in cases/libraries/ NEEDS one real library instead (["numpy"], ["pandas"] or
["sklearn"]; OOB allowed): producers numpy-X.Y / pandas-X.Y / sklearn-X.Y are CPython X.Y's own
pickle.dumps (2.7: cPickle.dumps) with the library pinned in requirements-<library>.txt, run
only with `--with numpy,pandas,sklearn` (one environment per interpreter in
generators/.venvs/libs-X.Y/); readers block the libraries (they record `unresolved`, and the
data-only readers read those variants too), and the library readers of the same ids record in
each variant's `resolves` whether pickle.loads with the real library loads it.  A case that
also NEEDS joblib (["numpy", "joblib"]) is written by joblib-X.Y too: joblib.dump, plain and
compress=3 (zlib), at joblib's default protocol; the variant says `container: joblib` and
`cut` (the byte ranges joblib wrote outside the pickle: each array's bytes), readers read
the file without them, and the joblib-X.Y readers load it with joblib.load.

Every variant of a case that NEEDS a third-party pickler is also read by the data-only
readers (pjrun.read_data_only: the pure-Python unpickler with inert stand-ins for the
globals CPython cannot import; docs/CANON.md section 7): cpython-3.13-dataonly (CPython
3.13's pickle._Unpickler, with every option set) and cpython-2.7-dataonly (CPython 2.7's
pickle.py Unpickler, the plain read only).  Each result is recorded where its interpreter's
C reading (cpython-3.13, cpython-2.7) is `unresolved` at a blocked third-party import, and
is what a data-only codec whose reference reader is that C reader is expected to load there.

Every variant is read by every reader; a compressed variant (`compression:` in case.yaml, the
method its magic bytes say) is decompressed first (pjcompress.py), and its `protocol` is
the protocol of the pickle inside.

Each reading also records what CPython would import and call (`imports` in case.yaml):
pjimports.py loads the variant with the reader's own unpickler whose find_class returns
inert stand-ins, so nothing is imported or run.  A reading whose stand-in reading finds a
global outside generators/safe_globals.txt refuses every global of the real reading (the
safety gate): that is how the cases of cases/evasion/ (pickles that would run
os.system(...)) are read, and make.py fails if it happens to any other case.
docs/CORPUS.md sections 3 and 13.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pj import CORPUS_DIR  # noqa: E402
from pj.build import build  # noqa: E402
from pj.discovery import discover, parse_overrides, pythons_flags  # noqa: E402
from pj.ids import THIRD_PARTY  # noqa: E402
from pj.new import cmd_new  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('command', nargs='?', default='build',
                    help='build (default), new, lint, pythons (print the interpreters found as '
                         'picklejar --python flags)')
    ap.add_argument('name', nargs='?')
    ap.add_argument('--only', action='append', default=[], metavar='GLOB',
                    help='regenerate only cases whose id matches (repeatable)')
    ap.add_argument('--check', action='store_true', help='compare a fresh regeneration with corpus/')
    ap.add_argument('--python', action='append', default=[], metavar='VERSION=PATH')
    ap.add_argument('--without', action='append', default=[], metavar='VERSION',
                    help='act as if this interpreter were missing (repeatable; pypy3.9, or '
                         'pypy for every PyPy: its committed part is then kept)')
    ap.add_argument('--with', dest='with_', action='append', default=[], metavar='PKG[,PKG]',
                    help='also run the third-party producers of these packages (%s): '
                         'installs them from generators/requirements-PKG.txt into '
                         'generators/.venvs/ first' % ', '.join(THIRD_PARTY))
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--corpus', default=CORPUS_DIR, help=argparse.SUPPRESS)
    ap.add_argument('--keep-temp', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.command == 'new':
        if not args.name:
            raise SystemExit('usage: make.py new CATEGORY/NAME')
        cmd_new(args.name)
        return 0
    if args.command == 'pythons':
        print(pythons_flags(discover(parse_overrides(args.python))))
        return 0
    if args.command not in ('build', 'lint'):
        raise SystemExit('unknown command ' + args.command)
    return build(args)


if __name__ == '__main__':
    sys.exit(main())
