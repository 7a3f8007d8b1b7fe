"""The default command (and `lint`, `--check`): lint the cases, find the interpreters, run
the producers and readers, then write corpus/ or compare with it."""
import fnmatch
import os
import shutil
import tempfile

from . import check, corpus, log
from .cases import LintError, load_all_cases
from .discovery import discover, discover_pypy, parse_overrides
from .ids import (DATAONLY_VERSIONS, ERROR_REFERENCE_READER, HANDWRITTEN, INTERPRETERS,
                  LIBRARIES, NEEDABLE, PYPY_KEYS, THIRD_PARTY, VERSIONS, dataonly_reader,
                  producers_of, readers_of, third_party_producer)
from .libraries import setup_libraries
from .produce import produce, variants as make_variants
from .read import read, resolve
from .replay import absent_pypy_ids, replay_producers, replay_readers
from .thirdparty import setup_third_party


def select(cases, only):
    """The cases whose id matches one of the --only globs (all without any)."""
    if not only:
        return cases
    sel = [c for c in cases if any(fnmatch.fnmatchcase(c['id'], g) for g in only)]
    if not sel:
        raise SystemExit('--only matched no case')
    return sel


def with_packages(specs):
    """--with dill,cloudpickle,numpy,... (repeatable) -> the packages, in order, once each."""
    pkgs = []
    for spec in specs:
        for pkg in spec.split(','):
            pkg = pkg.strip()
            if not pkg:
                continue
            if pkg not in NEEDABLE:
                raise SystemExit('--with: unknown package %r (known: %s)' % (pkg, ', '.join(NEEDABLE)))
            if pkg not in pkgs:
                pkgs.append(pkg)
    return pkgs


def generate(cases, interps, workdir, jobs_n, warnings, third_party=None, replay=None):
    """Produce and read; returns ({case id: [variant]}, the blob directory).

    replay: (corpus directory, [ids]) of producers and readers not found here whose part
    of the committed corpus is kept (a missing PyPy: replay.py)."""
    third_party = third_party or {}
    blobdir = os.path.join(workdir, 'blobs')
    os.makedirs(blobdir, exist_ok=True)
    produced = produce(cases, interps, third_party, blobdir, workdir, jobs_n, warnings)
    docs = {}
    if replay and replay[1]:
        docs, stale = replay_producers(cases, produced, replay[0], blobdir, replay[1])
        if stale:
            warnings.append('PyPy not found: %d changed case%s lose%s its committed PyPy part '
                            '(run make.py where it is installed): %s' % (
                                len(stale), '' if len(stale) == 1 else 's',
                                's' if len(stale) == 1 else '', ', '.join(stale)))
    variants = make_variants(cases, produced, blobdir)
    read(cases, variants, interps, blobdir, workdir, jobs_n, warnings)
    resolve(cases, variants, third_party, blobdir, workdir, jobs_n)
    if docs:
        replay_readers(cases, variants, docs, replay[1])
    return variants, blobdir


class Run(object):
    """What a build found and chose: corpus (the corpus/ path), only (the --only globs),
    cases (those to regenerate), skipped_ids (cases kept as committed: their third-party
    package is not here), features, interps, missing (versions not found), third_party
    ({(version, package): env}), partial (an interpreter or third-party producer the cases
    need is missing), producers and readers (the ids that can run here)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def build(args):
    """make.py build | lint (args: make.py's parsed arguments); returns the exit status."""
    try:
        cases, features, errors = load_all_cases()
    except LintError as e:
        raise SystemExit('lint: %s' % e)
    if errors:
        for e in errors:
            log('lint: ' + e)
        return 2
    if args.command == 'lint':
        print('lint: %d cases ok' % len(cases))
        return 0
    sel = select(cases, args.only)

    overrides = parse_overrides(args.python)
    interps = discover(overrides)
    interps.update(discover_pypy(overrides))
    for v in args.without:
        for k in (PYPY_KEYS if v == 'pypy' else [v]):
            interps.pop(k, None)
    missing = [v for v in VERSIONS if v not in interps]
    # A PyPy that is not here is not `missing`: its committed part is replayed (replay.py).
    replayed = absent_pypy_ids(interps)
    avail_producers = {p for v in interps for _, p in producers_of(v)} | {HANDWRITTEN}
    avail_readers = {r for v in interps for _, r in readers_of(v)}
    avail_readers |= {dataonly_reader(v) for v in DATAONLY_VERSIONS if v in interps}
    avail_producers |= set(replayed)
    avail_readers |= set(replayed)
    log('interpreters: ' + ', '.join('%s=%s' % (v, interps[v]['full'])
                                     for v in INTERPRETERS if v in interps))
    if missing:
        log('missing interpreters: %s (producers and readers skipped: %s)' % (
            ', '.join(missing), ', '.join(p for v in missing for _, p in producers_of(v) + readers_of(v))))
    if not any(k in interps for k in PYPY_KEYS):
        why = ('left out (--without)' if any(w.startswith('pypy') for w in args.without)
               else 'not found (pypy3 or pypy3.9 on PATH, or --python pypy3.9=PATH)')
        log('PyPy %s: the committed variants and readings of the pypy-X.Y producers and '
            'readers are kept as they are' % why)

    # Third-party producers: only with --with; cases that need a package that is not
    # installed are skipped, and their committed corpus files are kept as they are.
    with_pkgs = with_packages(args.with_)
    needed = sorted({p for c in sel for p in c['needs']}, key=NEEDABLE.index)
    third_party = setup_third_party([p for p in with_pkgs if p in needed and p in THIRD_PARTY],
                                    interps)
    # The real libraries (pj/libraries.py): producers and readers `<library>-X.Y`.
    third_party.update(setup_libraries([p for p in with_pkgs if p in needed and p in LIBRARIES],
                                       interps))
    have_pkgs = {pkg for (_, pkg) in third_party}
    skipped = [c for c in sel if c['needs'] and not all(p in have_pkgs for p in c['needs'])]
    if skipped:
        lacking = sorted({p for c in skipped for p in c['needs'] if p not in have_pkgs},
                         key=NEEDABLE.index)
        log('skipped %d case%s that need %s (not installed: run make.py --with %s to regenerate '
            'them; their committed corpus files are kept): %s' % (
                len(skipped), '' if len(skipped) == 1 else 's', ', '.join(lacking),
                ','.join(lacking), ', '.join(c['id'] for c in skipped)))
    skipped_ids = {c['id'] for c in skipped}
    sel = [c for c in sel if c['id'] not in skipped_ids]
    avail_producers |= {third_party_producer(pkg, v) for (v, pkg) in third_party}
    missing_third_party = [third_party_producer(pkg, v) for pkg in needed if pkg in have_pkgs
                           for v in VERSIONS if v in interps and (v, pkg) not in third_party]
    if not sel:
        print('--check: nothing to compare here (every selected case was skipped)' if args.check
              else 'nothing to regenerate here (every selected case was skipped)')
        return 0

    workdir = tempfile.mkdtemp(prefix='picklejar-gen-')
    warnings = []
    try:
        variants, blobdir = generate(sel, interps, workdir, args.jobs, warnings, third_party,
                                     (args.corpus, replayed))
        cerrors = []
        if ERROR_REFERENCE_READER.rsplit('-', 1)[-1] in interps:
            check.check_reject_kinds(sel, variants, warnings, cerrors)
        check.check_blocked(sel, variants, cerrors)
        for w in warnings:
            log('warning: ' + w)
        if cerrors:
            for e in cerrors:
                log('error: ' + e)
            return 2
        partial = bool(missing or missing_third_party)
        if missing_third_party:
            log('third-party producers not available: %s' % ', '.join(missing_third_party))
        run = Run(corpus=args.corpus, only=args.only, cases=sel, skipped_ids=skipped_ids,
                  features=features, interps=interps, missing=missing,
                  third_party=third_party, partial=partial,
                  producers=avail_producers, readers=avail_readers)
        if args.check:
            return check.check_corpus(run, variants, blobdir, workdir)
        corpus.write_corpus(run, variants, blobdir)
        return 0
    finally:
        if not args.keep_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log('kept ' + workdir)
