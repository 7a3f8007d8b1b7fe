"""--check, and the checks of what the readers recorded.

--check regenerates into a temporary directory and compares it with corpus/: byte for byte
(compare_full) when every interpreter and every third-party producer the selected cases
need is here, else only what the interpreters here can regenerate (compare_restricted).
"""
import json
import os
import shutil

from pjcanon import NOT_CLASSIFIED

from . import corpus, log
from .corpus import read_case, variant_file
from .ids import ERROR_REFERENCE_READER, third_party_producer, vkey


def check_reject_kinds(cases, variants, warnings, errors):
    """errors: reject cases whose ERROR is not what the reference reader raised; warnings:
    results that have no kind (NOT_CLASSIFIED)."""
    for c in cases:
        for var in variants[c['id']]:
            ref = var['results'].get((0, ERROR_REFERENCE_READER))
            if c['expect'] == 'reject':
                if ref is None:
                    continue
                got = ref.get('error', {}).get('kind', 'accepted')
                if got != c['error']:
                    errors.append('%s: ERROR is %s but %s says %s' % (
                        c['id'], c['error'], ERROR_REFERENCE_READER, got))
            for (j, r), res in var['results'].items():
                if 'error' in res and res['error']['kind'] in NOT_CLASSIFIED:
                    warnings.append('%s %s %s: %s' % (c['id'], variant_file(var), r, res['error']))


# The category whose cases name what must never be imported or run (evasion techniques):
# every reader that finds a global there must have been refused by the safety gate.
EVASION = 'evasion'


def check_blocked(cases, variants, errors):
    """errors: a case outside evasion/ whose reading the safety gate blocked (a global not in
    generators/safe_globals.txt), and an evasion/ case read for real (a reader whose
    stand-in reading found globals, all of them in the list)."""
    for c in cases:
        evasion = c['id'].split('/')[0] == EVASION
        for var in variants[c['id']]:
            blocked = var.get('blocked', {})
            for (j, r), names in sorted(blocked.items()):
                if not evasion:
                    errors.append('%s %s: reader %s refused %s: not in generators/'
                                  'safe_globals.txt (add them there if importing and calling '
                                  'them is harmless)' % (c['id'], variant_file(var), r,
                                                         ', '.join(names)))
            if not evasion:
                continue
            replayed = var.get('replayed', set())
            for (j, r), res in sorted(var['results'].items()):
                finds = [e for e in res.get('imports', []) if e[0] == 'find']
                if finds and (j, r) not in blocked and (j, r) not in replayed:
                    errors.append('%s %s: reader %s would import %s for real: an evasion case '
                                  'must name a global outside generators/safe_globals.txt' % (
                                      c['id'], variant_file(var), r,
                                      ', '.join('%s.%s' % (e[1], e[2]) for e in finds)))


def tree_files(d):
    out = {}
    for root, dirs, files in os.walk(d):
        for fn in files:
            p = os.path.join(root, fn)
            out[os.path.relpath(p, d)] = p
    return out


def compare_full(old, new, case_ids):
    """Byte comparison; returns the list of differing case ids / top files."""
    diffs = set()
    a = tree_files(old)
    b = tree_files(new)
    for rel in set(a) | set(b):
        parts = rel.split(os.sep)
        key = '/'.join(parts[:2]) if len(parts) >= 3 else rel
        if case_ids is not None and key not in case_ids:
            continue
        if rel not in a or rel not in b:
            diffs.add(key)
            continue
        with open(a[rel], 'rb') as f1, open(b[rel], 'rb') as f2:
            if f1.read() != f2.read():
                diffs.add(key)
    return sorted(diffs)


def compare_restricted(old, new, case_ids, producers, readers):
    """Compare what the available interpreters could regenerate."""
    diffs = []
    for cid in case_ids:
        po = os.path.join(old, cid, 'case.yaml')
        pn = os.path.join(new, cid, 'case.yaml')
        if not os.path.exists(po) or not os.path.exists(pn):
            diffs.append(cid)
            continue
        do = read_case(po)
        dn = read_case(pn)
        bad = False
        for k in ('id', 'description', 'features', 'expect', 'error', 'source', 'load'):
            if do.get(k) != dn.get(k):
                bad = True
        vo = {v['sha256']: v for v in do['variants']}
        vn = {v['sha256']: v for v in dn['variants']}
        for sha, v in vo.items():
            avail = [p for p in v['producers'] if p in producers]
            if avail and sha not in vn:
                bad = True
        for sha, v in vn.items():
            if sha not in vo:
                bad = True
                continue
            o = vo[sha]
            if [p for p in o['producers'] if p in producers] != v['producers']:
                bad = True
            for k in ('file', 'protocol', 'compression', 'container', 'cut', 'size', 'buffers'):
                if o.get(k) != v.get(k):
                    bad = True

            def triples(var):
                s = set()
                for r in var['results']:
                    out = json.dumps({k: r[k] for k in r if k not in ('options', 'readers')},
                                     sort_keys=True)
                    for rd in r['readers']:
                        if rd in readers:
                            s.add((json.dumps(r['options'], sort_keys=True), rd, out))
                return s
            if triples(o) != triples(v):
                bad = True
            for fn in [v['file']] + v.get('buffers', []):
                try:
                    with open(os.path.join(old, cid, fn), 'rb') as f1, \
                            open(os.path.join(new, cid, fn), 'rb') as f2:
                        if f1.read() != f2.read():
                            bad = True
                except OSError:
                    bad = True
        if bad:
            diffs.append(cid)
    return diffs


def check_corpus(run, variants, blobdir, workdir):
    """--check: write the regenerated cases into workdir/corpus and compare; returns the exit
    status (1 when something differs)."""
    newdir = os.path.join(workdir, 'corpus')
    os.makedirs(newdir)
    for c in run.cases:
        corpus.write_case(newdir, c, variants[c['id']], blobdir)
    for cid in sorted(run.skipped_ids):
        # not regenerated here: the committed files stand (and count in README.md)
        src = os.path.join(run.corpus, cid)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(newdir, cid))
    ids = {c['id'] for c in run.cases}
    if not run.partial:
        corpus.write_features(newdir, run.features)
        corpus.write_manifest(newdir, run.interps, run.third_party,
                              os.path.join(run.corpus, 'manifest.yaml'))
        if not run.only:
            corpus.write_readme(newdir)
            diffs = compare_full(run.corpus, newdir, None)
        else:
            diffs = compare_full(run.corpus, newdir, ids)
    else:
        log('--check: comparing only what %s can regenerate' % ', '.join(
            sorted(run.interps, key=vkey) + sorted(
                third_party_producer(pkg, v) for (v, pkg) in run.third_party)))
        diffs = compare_restricted(run.corpus, newdir, sorted(ids), run.producers, run.readers)
        if not run.only:
            have = {os.path.dirname(os.path.relpath(p, run.corpus)).replace(os.sep, '/')
                    for p in corpus.case_yaml_paths(run.corpus)}
            diffs += sorted(have - ids - run.skipped_ids)
    if diffs:
        log('--check: %d differences:' % len(diffs))
        for d in diffs:
            log('  ' + d)
        return 1
    print('--check: corpus is up to date (%d cases%s)' % (
        len(run.cases), ', %d kept as committed' % len(run.skipped_ids) if run.skipped_ids else ''))
    return 0
