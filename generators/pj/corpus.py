"""Writing corpus/: case directories, manifest.yaml, features.yaml, README.md.

The YAML text comes from pj.yaml (the one writer); this module turns what produce and read
found into those documents.  docs/CORPUS.md specifies the layout and every field.
"""
import glob
import json
import os
import re
import shutil

import pjcompress

from . import yaml
from .ids import (DATAONLY_VERSIONS, HANDWRITTEN, HASH_SEED, INTERPRETERS, JOBLIB, PRODUCER_ORDER,
                  LIBRARIES, LIBRARY_READER_ORDER, NEEDABLE, READER_ORDER,
                  THIRD_PARTY_PROTOCOLS, VERSIONS, api_name, is_pypy,
                  pypy_id, dataonly_reader, highest, joblib_protocol, producers_of, readers_of,
                  third_party_producer)

# The files of a case directory that write_case replaces.
CASE_FILE_RE = re.compile(r'^p\d-[0-9a-f]{12}\.(pkl|buf\d+)$')


def variant_file(var):
    return 'p%d-%s.pkl' % (var['protocol'], var['sha'][:12])


def buffer_files(var):
    return ['p%d-%s.buf%d' % (var['protocol'], var['sha'][:12], i) for i in range(len(var['bufs']))]


def group_results(var):
    """[(optset, readers, outcome)] with readers of identical outcome grouped (the outcome
    includes the `imports` they recorded: readers that differ there are two groups)."""
    out = []
    for j, opt in enumerate(var['optsets']):
        groups = []
        index = {}
        readers = sorted({r for (o, r) in var['results'] if o == j}, key=lambda r: READER_ORDER[r])
        for r in readers:
            res = var['results'][(j, r)]
            key = json.dumps(res, sort_keys=True)
            if key not in index:
                index[key] = len(groups)
                groups.append((opt, [], res))
            groups[index[key]][1].append(r)
        out.extend(groups)
    return out


def resolve_groups(resolves):
    """The `resolves` groups of a variant ({library reader: outcome}): readers with the same
    outcome together, groups in the order of their first reader."""
    groups = []
    index = {}
    for r in sorted(resolves, key=lambda r: LIBRARY_READER_ORDER[r]):
        out = resolves[r]
        key = json.dumps(out, sort_keys=True)
        if key not in index:
            index[key] = len(groups)
            g = {'readers': []}
            g.update(out)
            groups.append(g)
        groups[index[key]]['readers'].append(r)
    return groups


def case_document(c, vl):
    """The case.yaml document (pj.yaml) of case c and its variants."""
    doc = {'id': c['id'], 'description': c['description'], 'features': list(c['features']),
           'expect': c['expect']}
    if c['expect'] == 'reject':
        doc['error'] = c['error']
    doc['source'] = c['source']
    doc['load'] = c['load']
    doc['variants'] = []
    for var in vl:
        v = {'file': variant_file(var), 'protocol': var['protocol']}
        if var.get('compression'):
            v['compression'] = var['compression']
        if var.get('container'):
            v['container'] = var['container']
            v['cut'] = var['cut']
        v.update({'written_at': list(var['written_at']), 'sha256': var['sha'],
                  'size': var['size'], 'producers': list(var['producers']),
                  'buffers': buffer_files(var), 'results': []})
        for opt, readers, res in group_results(var):
            r = {'options': opt, 'readers': readers}
            if 'canon' in res:
                r['canon'] = res['canon']
            else:
                r['error'] = res['error']
            if res.get('imports'):
                r['imports'] = res['imports']
            v['results'].append(r)
        if var.get('resolves'):
            v['resolves'] = resolve_groups(var['resolves'])
        doc['variants'].append(v)
    return doc


def write_text(path, text):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)


def read_text(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def write_case(corpus, c, vl, blobdir):
    """corpus/<id>/: the variant and buffer files (from the blob directory) and case.yaml;
    files of an earlier generation that are no longer variants are removed."""
    d = os.path.join(corpus, c['id'])
    if os.path.isdir(d):
        for fn in os.listdir(d):
            if fn == 'case.yaml' or CASE_FILE_RE.match(fn):
                os.unlink(os.path.join(d, fn))
    os.makedirs(d, exist_ok=True)
    for var in vl:
        shutil.copyfile(os.path.join(blobdir, var['sha']), os.path.join(d, variant_file(var)))
        for b, fn in zip(var['bufs'], buffer_files(var)):
            shutil.copyfile(os.path.join(blobdir, b), os.path.join(d, fn))
    write_text(os.path.join(d, 'case.yaml'), yaml.dump_case(case_document(c, vl)))


def write_features(corpus, features):
    write_text(os.path.join(corpus, 'features.yaml'), yaml.dump_features(features))


def manifest_entry(ident, info, impl, api, protocols, package=None):
    """One producer or reader of manifest.yaml."""
    e = {'id': ident, 'python': info['full'], 'implementation': impl, 'api': api}
    if package is not None:
        e['package'] = package
    e.update({'hash_seed': int(HASH_SEED), 'platform': info['platform'],
              'protocols': protocols})
    return e


def dataonly_manifest_entry(v, info):
    """The manifest entry of the data-only reader of CPython v (docs/CANON.md section 7)."""
    base = 'pickle._Unpickler' if v != '2.7' else 'pickle.Unpickler (pickle.py)'
    e = manifest_entry(
        dataonly_reader(v), info, 'py',
        base + ', data-only: globals CPython cannot import are inert stand-ins, calls '
        'involving them are recorded (docs/CANON.md section 7)',
        list(range(highest(v) + 1)))
    e['options'] = v != '2.7'
    e['reads'] = ('variants of cases that NEED a third-party pickler, where cpython-' + v +
                  ' is unresolved at a blocked import')
    return e


def manifest_document(interps, third_party=None, old=None):
    """The manifest of the interpreters found.  third_party: {(version, package): env} of
    the third-party producers that ran; those that did not keep their entry in `old` (a
    manifest document), if it has one."""
    third_party = third_party or {}
    old_producers = {e['id']: e for e in (old or {}).get('producers', [])}
    old_readers = {e['id']: e for e in (old or {}).get('readers', [])}
    producers = []
    for v in INTERPRETERS:
        if v not in interps:
            # a PyPy not found here keeps its entries (its part is replayed: replay.py)
            if is_pypy(v) and pypy_id(v) in old_producers:
                producers.append(old_producers[pypy_id(v)])
            continue
        info = interps[v]
        for impl, pid in producers_of(v):
            producers.append(manifest_entry(pid, info, impl, api_name(v, impl, 'dump'),
                                            list(range(highest(v) + 1))))
    for pkg in NEEDABLE:
        for v in VERSIONS:
            pid = third_party_producer(pkg, v)
            env = third_party.get((v, pkg))
            if env is None or v not in interps:
                if pid in old_producers:
                    producers.append(old_producers[pid])
                continue
            if pkg == JOBLIB:
                api = ('joblib.dump (NumpyPickler, a subclass of %s), plain and '
                       'compress=%s: arrays\' bytes in the stream (`cut`)' % (
                           'pickle.Pickler (pickle.py)' if v == '2.7' else 'pickle._Pickler',
                           '(%r, %d)' % pjcompress.JOBLIB_COMPRESS))
            elif pkg in LIBRARIES:
                api = '%s (%s) of objects of the real %s' % (
                    env['api'], 'cPickle' if v == '2.7' else '_pickle', pkg)
            else:
                api = '%s (%s, a subclass of %s)' % (env['api'], env['pickler'], env['base'])
            protocols = ([joblib_protocol(v)] if pkg == JOBLIB else
                         [p for p in range(highest(v) + 1) if p in THIRD_PARTY_PROTOCOLS[pkg]])
            producers.append(manifest_entry(pid, interps[v], env['impl'], api, protocols,
                                            package='%s==%s' % (pkg, env['version'])))
    producers.append({'id': HANDWRITTEN, 'python': '', 'implementation': 'none',
                      'api': 'bytes written by hand in the case file (DATA)',
                      'hash_seed': int(HASH_SEED), 'platform': '',
                      'protocols': [0, 1, 2, 3, 4, 5]})
    readers = []
    for v in INTERPRETERS:
        if v not in interps:
            if is_pypy(v) and pypy_id(v) in old_readers:
                readers.append(old_readers[pypy_id(v)])
            continue
        info = interps[v]
        for impl, rid in readers_of(v):
            e = manifest_entry(rid, info, impl, api_name(v, impl, 'load'),
                               list(range(highest(v) + 1)))
            e['options'] = v != '2.7'
            readers.append(e)
    for v in DATAONLY_VERSIONS:
        if v in interps:
            readers.append(dataonly_manifest_entry(v, interps[v]))
    for lib in LIBRARIES:
        for v in VERSIONS:
            rid = third_party_producer(lib, v)
            env = third_party.get((v, lib))
            if env is None or v not in interps:
                if rid in old_readers:
                    readers.append(old_readers[rid])
                continue
            # joblib.load unpickles with its NumpyUnpickler, a pickle._Unpickler
            e = manifest_entry(rid, interps[v], 'py' if lib == JOBLIB else 'c',
                               'joblib.load of joblib files' if lib == JOBLIB
                               else '%s with the real %s' % (
                'cPickle.loads' if v == '2.7' else 'pickle.loads (_pickle)', lib),
                list(range(highest(v) + 1)), package='%s==%s' % (lib, env['version']))
            e['options'] = False
            e['reads'] = ('variants of libraries/ cases that NEED %s: whether they resolve with '
                          'the real classes (resolves)' % lib)
            readers.append(e)
    return {'producers': producers, 'readers': readers}


def read_manifest(path):
    """The manifest document at `path`, or None when there is none."""
    try:
        text = read_text(path)
    except OSError:
        return None
    return yaml.parse_manifest(text)


def write_manifest(corpus, interps, third_party=None, old_manifest=None):
    """corpus/manifest.yaml; old_manifest: the path of the manifest whose third-party
    producer entries stand for those that did not run."""
    old = read_manifest(old_manifest) if old_manifest else None
    write_text(os.path.join(corpus, 'manifest.yaml'),
               yaml.dump_manifest(manifest_document(interps, third_party, old)))


def case_yaml_paths(corpus):
    return sorted(glob.glob(os.path.join(corpus, '*', '*', 'case.yaml')))


def read_case(path):
    return yaml.parse_case(read_text(path))


def write_readme(corpus):
    cats = {}
    prod = {}
    protos = {}
    nvar = 0
    nfiles = 0
    nbytes = 0
    nreject = 0
    for path in case_yaml_paths(corpus):
        d = read_case(path)
        cat = d['id'].split('/')[0]
        cats[cat] = cats.get(cat, 0) + 1
        if d.get('expect') == 'reject':
            nreject += 1
        for var in d['variants']:
            nvar += 1
            protos[var['protocol']] = protos.get(var['protocol'], 0) + 1
            for p in var['producers']:
                prod[p] = prod.get(p, 0) + 1
        for fn in os.listdir(os.path.dirname(path)):
            nfiles += 1
            nbytes += os.path.getsize(os.path.join(os.path.dirname(path), fn))
    L = ['# picklejar corpus', '',
         '<!-- generated by generators/make.py; do not edit -->', '',
         'Pickles written by CPython 2.7 and 3.6-3.13 (C and pure-Python picklers) and by hand,',
         'each with the canon every CPython reader loaded from it, or the error it raised.',
         'The canon form and the error kinds are specified in `docs/CANON.md`; the layout and',
         'every field of these files in `docs/CORPUS.md`.', '',
         '* `<category>/<case>/case.yaml`: description, features, source, load options, variants',
         '  and per-reader results;',
         '* `<category>/<case>/p<protocol>-<sha256[:12]>.pkl`: one file per distinct byte string',
         '  (`.buf<N>` beside it: out-of-band buffers);',
         '* `manifest.yaml`: producers and readers; `features.yaml`: the feature registry.', '',
         'A variant with `compression: gzip|bz2|xz|zstd` is a compressed file (the method its magic',
         'bytes say): readers decompress the whole file (at most 256 MiB, else `limit-exceeded`) and',
         'load the pickle inside, whose protocol is the variant\'s `protocol`. The producers',
         '`dill-X.Y` and `cloudpickle-X.Y` are those packages on CPython X.Y (`make.py --with',
         'dill,cloudpickle`); readers never have them, so CPython\'s readers record `unresolved`',
         'for what they wrote. For those variants the readers `cpython-3.13-dataonly` and',
         '`cpython-2.7-dataonly` record the data-only reading: CPython 3.13\'s `pickle._Unpickler`',
         '(2.7: `pickle.py`\'s `Unpickler`) with inert stand-ins for the globals CPython cannot',
         'import (docs/CANON.md section 7), the canon a data-only codec is expected to load.', '',
         '## Regenerating', '',
         '```',
         'python3 generators/make.py                 # everything, with every interpreter found',
         'python3 generators/make.py --only "scalars/*"',
         'python3 generators/make.py --check         # CI: regenerate into a temp dir and compare',
         'python3 generators/make.py --with dill,cloudpickle   # also the dill/cloudpickle cases',
         'python3 generators/make.py new CATEGORY/NAME',
         '```', '',
         'Case definitions live in `generators/cases/<category>/<name>.py`; interpreters are found',
         'with `--python VERSION=PATH`, `$PYENV_ROOT/versions`, or `pythonX.Y` on PATH.', '',
         '## Counts', '',
         '%d cases (%d reject), %d variants, %d files, %.1f MiB.' % (
             sum(cats.values()), nreject, nvar, nfiles, nbytes / 1048576.0), '',
         '| category | cases |', '|---|---|']
    for c in sorted(cats):
        L.append('| %s | %d |' % (c, cats[c]))
    L += ['', '| producer | variants it wrote |', '|---|---|']
    for p in sorted(prod, key=lambda p: PRODUCER_ORDER.get(p, 999)):
        L.append('| %s | %d |' % (p, prod[p]))
    L += ['', '| declared protocol | variants |', '|---|---|']
    for p in sorted(protos):
        L.append('| %d | %d |' % (p, protos[p]))
    L.append('')
    L.append('Variants that declare protocol 0 include protocol-1 pickles (they have no PROTO opcode).')
    write_text(os.path.join(corpus, 'README.md'), '\n'.join(L) + '\n')


def write_corpus(run, variants, blobdir):
    """Write the regenerated cases into corpus/; without --only also remove the case
    directories of cases that are gone, and rewrite features.yaml, manifest.yaml (kept when
    an interpreter is missing) and README.md."""
    out = run.corpus
    old_manifest = os.path.join(out, 'manifest.yaml')
    os.makedirs(out, exist_ok=True)
    for c in run.cases:
        write_case(out, c, variants[c['id']], blobdir)
    if not run.only:
        ids = {c['id'] for c in run.cases} | run.skipped_ids
        for p in case_yaml_paths(out):
            cid = os.path.dirname(os.path.relpath(p, out)).replace(os.sep, '/')
            if cid not in ids:
                shutil.rmtree(os.path.dirname(p))
        for d in glob.glob(os.path.join(out, '*')):
            if os.path.isdir(d) and not os.listdir(d):
                os.rmdir(d)
    write_features(out, run.features)
    if not run.missing or not os.path.exists(old_manifest):
        write_manifest(out, run.interps, run.third_party, old_manifest)
    write_readme(out)
    print('wrote %d cases, %d variants into %s' % (
        len(run.cases), sum(len(variants[c['id']]) for c in run.cases),
        os.path.relpath(out, os.getcwd())))
