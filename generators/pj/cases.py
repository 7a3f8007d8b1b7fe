"""The case definitions (generators/cases/<category>/<name>.py) and the feature registry
(generators/features.txt): reading and linting them.

A case file sets `obj` (or `DATA` bytes for a hand-written case) and the literal keys in
META_KEYS; make.py's docstring lists what each means.  load_case returns the case as the
other modules use it (a dict: id, path, source, description, features, expect, error, load,
pythons, protocols, oob, extra_reads, handwritten, compress, needs, and data when
hand-written).
"""
import ast
import glob
import os

from pjcanon import ERROR_KINDS

from . import CASES_DIR, FEATURES_SRC
from .ids import FEATURE_NAME_RE, JOBLIB, LIBRARIES, NAME_RE, NEEDABLE
from .yaml import YAML_RESERVED

LOAD_KEYS = {'encoding', 'errors', 'fix_imports', 'extensions', 'persistent_load'}
# The keys an EXTRA_READS option set may have.
READ_OPTION_KEYS = {'encoding', 'errors', 'fix_imports'}
META_KEYS = {'FEATURES', 'PYTHONS', 'PROTOCOLS', 'LOAD', 'EXPECT', 'ERROR', 'OOB',
             'EXTRA_READS', 'COMPRESS', 'NEEDS'}
# The category of the cases that NEED a real library (numpy, pandas, sklearn).
LIBRARIES_CATEGORY = 'libraries'
# What COMPRESS may say: the methods the producers write (zstd is only hand-written).
COMPRESS_METHODS = ('gzip', 'bz2', 'xz')


class LintError(Exception):
    pass


def case_files(cases_dir=CASES_DIR):
    """[(case id, path)] of every case file, in id order."""
    out = []
    for path in sorted(glob.glob(os.path.join(cases_dir, '*', '*.py'))):
        cat = os.path.basename(os.path.dirname(path))
        name = os.path.basename(path)[:-3]
        out.append((cat + '/' + name, path))
    return out


def load_case(cid, path, features, errors):
    def err(msg):
        errors.append('%s: %s' % (cid, msg))

    with open(path, 'rb') as f:
        raw = f.read()
    try:
        text = raw.decode('ascii')
    except UnicodeDecodeError:
        err('source must be ASCII (it is embedded in case.yaml)')
        text = raw.decode('ascii', 'replace')
    if '\r' in text or '\t' in text:
        err('source must not contain CR or TAB')
    if not text.endswith('\n') or text.endswith('\n\n'):
        err('source must end with exactly one newline')
    for i, line in enumerate(text.split('\n')):
        if line != line.rstrip():
            err('trailing whitespace on line %d' % (i + 1))
    cat, name = cid.split('/')
    if not NAME_RE.match(cat) or not NAME_RE.match(name):
        err('case id must be lowercase snake_case: ' + cid)
    try:
        tree = ast.parse(text, path)
    except SyntaxError as e:
        err('syntax error: %s' % e)
        return None
    meta = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and node.targets[0].id in META_KEYS:
            try:
                meta[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                err('%s must be a literal' % node.targets[0].id)
    doc = ast.get_docstring(tree)
    if not doc:
        err('missing description docstring')
        doc = ''
    assigned = {t.id for n in tree.body if isinstance(n, ast.Assign)
                for t in n.targets if isinstance(t, ast.Name)}
    handwritten = 'DATA' in assigned
    if not handwritten and 'obj' not in assigned:
        err('sets neither obj nor DATA')
    feats = meta.get('FEATURES')
    if not isinstance(feats, list) or not feats or not all(isinstance(x, str) for x in feats):
        err('FEATURES must be a non-empty list of names')
        feats = []
    for ft in feats:
        if ft not in features:
            err('feature %r is not in generators/features.txt' % ft)
    if len(set(feats)) != len(feats):
        err('duplicate features')
    expect = meta.get('EXPECT', 'accept')
    if expect not in ('accept', 'reject'):
        err('EXPECT must be accept or reject')
    error = meta.get('ERROR')
    if expect == 'reject':
        if error not in ERROR_KINDS:
            err('reject cases need ERROR, one of: ' + ', '.join(ERROR_KINDS))
    elif error is not None:
        err('ERROR only goes with EXPECT = "reject"')
    if expect == 'reject' and not handwritten:
        err('reject cases are hand-written: set DATA')
    load = meta.get('LOAD', {})
    if not isinstance(load, dict) or set(load) - LOAD_KEYS:
        err('LOAD keys must be among ' + ', '.join(sorted(LOAD_KEYS)))
        load = {}
    if 'extensions' in load:
        ex = load['extensions']
        if not isinstance(ex, dict) or not all(
                isinstance(k, str) and k.isdigit() and isinstance(v, list) and len(v) == 2
                for k, v in ex.items()):
            err('LOAD extensions: {"CODE": ["module", "name"]}')
    pythons = meta.get('PYTHONS')
    if pythons is not None:
        if not isinstance(pythons, list) or not pythons:
            err('PYTHONS must be a list like ["2.7", "3.8+"]')
            pythons = None
    protocols = meta.get('PROTOCOLS', [0, 1, 2, 3, 4, 5])
    if not isinstance(protocols, list) or not all(p in range(6) for p in protocols):
        err('PROTOCOLS must be a list of 0..5')
        protocols = [0, 1, 2, 3, 4, 5]
    extra = meta.get('EXTRA_READS', [])
    if not isinstance(extra, list) or not all(isinstance(x, dict) for x in extra):
        err('EXTRA_READS must be a list of option dicts')
        extra = []
    elif any(set(x) - READ_OPTION_KEYS for x in extra):
        # an option set replaces the LOAD members it names (docs/CORPUS.md s.6)
        err('EXTRA_READS keys must be among ' + ', '.join(sorted(READ_OPTION_KEYS)))
        extra = []
    compress = meta.get('COMPRESS')
    if compress is not None:
        if compress not in COMPRESS_METHODS:
            err('COMPRESS must be one of: ' + ', '.join(COMPRESS_METHODS))
            compress = None
        if handwritten:
            err('COMPRESS goes with obj; hand-written DATA is compressed by hand '
                '(detected by its magic bytes)')
        if meta.get('OOB'):
            err('COMPRESS and OOB do not go together')
    needs = meta.get('NEEDS', [])
    if not isinstance(needs, list) or not all(n in NEEDABLE for n in needs) or \
            len(set(needs)) != len(needs):
        err('NEEDS must be a list of: ' + ', '.join(NEEDABLE))
        needs = []
    libs = [n for n in needs if n in LIBRARIES]
    # joblib comes beside the library whose objects it dumps: NEEDS = ["numpy", "joblib"]
    # adds joblib.dump's files (producers joblib-X.Y) to the pickle.dumps ones
    if libs and (len(needs) - needs.count(JOBLIB) != 1 or libs == [JOBLIB] or
                 cat != LIBRARIES_CATEGORY):
        err('a case that NEEDS a library (%s) needs that one only (and joblib, to add '
            'joblib.dump files) and is in %s/' % (
                ', '.join(x for x in LIBRARIES if x != JOBLIB), LIBRARIES_CATEGORY))
    if not libs and cat == LIBRARIES_CATEGORY:
        err('a case in %s/ NEEDS one of: %s' % (
            LIBRARIES_CATEGORY, ', '.join(x for x in LIBRARIES if x != JOBLIB)))
    if needs and handwritten:
        err('NEEDS goes with obj, not DATA')
    if needs and (compress or load or (meta.get('OOB') and not libs)):
        err('NEEDS does not go with COMPRESS or LOAD, nor OOB unless it NEEDS a library')
    description = ' '.join(doc.split('\n\n')[0].split())
    case = {
        'id': cid, 'path': path, 'source': text, 'description': description,
        'features': feats, 'expect': expect, 'error': error, 'load': load,
        'pythons': pythons, 'protocols': sorted(protocols), 'oob': bool(meta.get('OOB')),
        'extra_reads': extra, 'handwritten': handwritten,
        'compress': compress, 'needs': sorted(needs, key=NEEDABLE.index),
    }
    if handwritten:
        ns = {'__name__': 'pjcase', '__file__': path}
        try:
            exec(compile(text, path, 'exec'), ns)
            data = ns['DATA']
            if not isinstance(data, bytes):
                raise TypeError('DATA must be bytes')
            case['data'] = data
        except Exception as e:
            err('DATA: %s: %s' % (type(e).__name__, e))
            case['data'] = b''
    return case


def read_features(path=FEATURES_SRC):
    """{feature: description} of generators/features.txt (`name: description` lines)."""
    feats = {}
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            name, _, desc = line.partition(':')
            name = name.strip()
            if not FEATURE_NAME_RE.match(name) or name in YAML_RESERVED:
                raise LintError('features.txt line %d: bad feature name %r' % (i + 1, name))
            if name in feats:
                raise LintError('features.txt: duplicate feature %r' % name)
            feats[name] = desc.strip()
    return feats


def load_all_cases(cases_dir=CASES_DIR, features_src=FEATURES_SRC):
    """(cases, features, lint errors) of every case file."""
    errors = []
    features = read_features(features_src)
    cases = []
    for cid, path in case_files(cases_dir):
        c = load_case(cid, path, features, errors)
        if c:
            cases.append(c)
    used = {f for c in cases for f in c['features']}
    for f in sorted(set(features) - used):
        errors.append('features.txt: feature %r is used by no case' % f)
    return cases, features, errors
