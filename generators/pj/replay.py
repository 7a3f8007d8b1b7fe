"""Keeping a missing PyPy's part of the corpus as committed.

PyPy (`pypy-X.Y`, docs/CORPUS.md section 5) produces and reads by default wherever it is
found.  Where it is not (CI has no pypy3), its part of every case is *replayed* from the
committed corpus instead of dropped, so that a regeneration (and --check) without PyPy is
still complete and byte-exact:

* as a producer: every committed variant PyPy wrote is taken as written by it again, at the
  protocols the variant lists (`written_at` is the union over its producers, so this adds
  nothing the committed file does not say); a variant only PyPy wrote comes back from its
  committed file (and buffers) and is read by every reader found here, as any variant is;
* as a reader: its committed result for each variant and option set is kept.

Only cases whose source is unchanged are replayed (a changed case has no PyPy part until
make.py runs where PyPy is installed: build() says so).
"""
import hashlib
import os
import re
import shutil

from .corpus import read_case
from .ids import PYPY_KEYS, pypy_id


# The \uXXXX escapes pj.yaml's writer adds to a canon's JSON text (yaml_safe_json) for the
# characters YAML cannot hold literally but the canon's JSON writes literally (pjcanon's
# json_string escapes only C0 controls itself): DEL, C1 controls, U+2028, U+2029, U+FEFF,
# U+FFFE, U+FFFF, surrogates.  An escaped backslash is passed over as a unit.
_YAML_ESCAPE_RE = re.compile(r'\\(u([0-9a-f]{4})|.)', re.S)


def _unescape_unsafe(m):
    if m.group(2) is not None:
        c = chr(int(m.group(2), 16))
        if c == '\x7f' or '\x80' <= c <= '\x9f' or c in '\u2028\u2029\ufeff\ufffe\uffff' or \
                '\ud800' <= c <= '\udfff':
            return c
    return m.group(0)


def canon_text(yaml_text):
    """The canon text a reader recorded, from what case.yaml holds (pj.yaml's writer escaped
    the characters YAML cannot hold; the readers' texts, which the replayed one must equal
    to share their group, have them literally)."""
    return _YAML_ESCAPE_RE.sub(_unescape_unsafe, yaml_text)


def absent_pypy_ids(interps):
    """The PyPy ids (`pypy-3.9`, ...) whose interpreter was not found here."""
    return [pypy_id(k) for k in PYPY_KEYS if k not in interps]


def _committed(corpus_dir, c):
    """The committed case.yaml document of case c, or None (none, or unreadable)."""
    path = os.path.join(corpus_dir, c['id'], 'case.yaml')
    if not os.path.exists(path):
        return None
    try:
        return read_case(path)
    except Exception:
        return None


def _mentions(doc, ids):
    """Whether a case document names any of `ids` as a producer or reader."""
    for v in doc['variants']:
        if any(p in ids for p in v['producers']):
            return True
        if any(r in ids for g in v.get('results', []) for r in g['readers']):
            return True
    return False


def _sha_file(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def replay_producers(cases, produced, corpus_dir, blobdir, ids):
    """Add the committed variants the producers `ids` wrote to `produced` (produce's
    {case id: {(sha, buffer shas): {'producers', 'written'}}}), copying their files into the
    blob directory.  Returns (committed documents by case id, ids of the cases that have a
    part of `ids` committed but a changed source: not replayed)."""
    docs = {}
    stale = []
    for c in cases:
        doc = _committed(corpus_dir, c)
        if doc is None or not _mentions(doc, ids):
            continue
        if doc.get('source') != c['source']:
            stale.append(c['id'])
            continue
        docs[c['id']] = doc
        d = os.path.join(corpus_dir, c['id'])
        for v in doc['variants']:
            mine = [p for p in v['producers'] if p in ids]
            if not mine:
                continue
            bufs = []
            for fn in [v['file']] + list(v.get('buffers', [])):
                sha = _sha_file(os.path.join(d, fn))
                dst = os.path.join(blobdir, sha)
                if not os.path.exists(dst):
                    shutil.copyfile(os.path.join(d, fn), dst)
                bufs.append(sha)
            key = (v['sha256'], tuple(bufs[1:]))
            ent = produced[c['id']].setdefault(key, {'producers': set(), 'written': set()})
            ent['producers'].update(mine)
            ent['written'].update(v.get('written_at') or [v['protocol']])
            if 'cut' in v:
                ent['cut'] = v['cut']
    return docs, stale


def replay_readers(cases, variants, docs, ids):
    """Put the committed results of the readers `ids` into the regenerated variants (matched
    by sha256 and option set); the keys land in each variant's `replayed` (check_blocked
    does not judge them again)."""
    for c in cases:
        doc = docs.get(c['id'])
        if doc is None:
            continue
        old = {v['sha256']: v for v in doc['variants']}
        for var in variants[c['id']]:
            ov = old.get(var['sha'])
            if ov is None:
                continue
            for g in ov.get('results', []):
                readers = [r for r in g['readers'] if r in ids]
                if not readers or g['options'] not in var['optsets']:
                    continue
                j = var['optsets'].index(g['options'])
                out = ({'canon': canon_text(g['canon'])} if 'canon' in g
                       else {'error': dict(g['error'])})
                if g.get('imports'):
                    out['imports'] = [list(e) for e in g['imports']]
                for r in readers:
                    var['results'][(j, r)] = out
                    var.setdefault('replayed', set()).add((j, r))
