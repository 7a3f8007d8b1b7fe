#!/usr/bin/env python3
"""Regenerate picklejar's corpus from the case definitions in generators/cases/.

    python3 generators/make.py                  regenerate everything with the interpreters found
    python3 generators/make.py --only 'scalars/*'   regenerate the matching cases only
    python3 generators/make.py --check          regenerate into a temp dir, fail on any difference
    python3 generators/make.py new CATEGORY/NAME    scaffold a case file
    python3 generators/make.py lint             lint the case files and the feature registry only
    python3 generators/make.py --with dill,cloudpickle   also run the third-party producers

Interpreters: --python VERSION=PATH (repeatable), then $PYENV_ROOT/versions/VERSION*/bin/python,
then pythonVERSION on PATH.  Runs under any Python 3.6+; no third-party packages.
The scripts that run inside each interpreter are pjrun.py (produce + read), pjcanon.py
(canon and error kinds), pjfixtures.py (the pickled classes) and pjcompress.py (compressed
files: detection by magic bytes, decompression with a 256 MiB cap).

Case files (generators/cases/<category>/<name>.py) set `obj` (or `DATA` bytes for a
hand-written case) and these optional keys, all literals:

    FEATURES     names from generators/features.txt (required)
    PYTHONS      interpreters that produce it: ["2.7", "3.6+", "3.6-3.12"]; default all
    PROTOCOLS    protocols to write; default 0-5 (each producer writes those it has)
    LOAD         load options every reader uses (encoding, errors, fix_imports, extensions,
                 persistent_load)
    EXTRA_READS  further option sets the Python 3 readers load with
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

Every variant of a case that NEEDS a third-party pickler is also read by the data-only
reader cpython-3.13-dataonly (pjrun.read_data_only: CPython 3.13's pickle._Unpickler with
inert stand-ins for the globals CPython cannot import; docs/CANON.md section 7), with every
option set; its result is recorded where cpython-3.13's is `unresolved` at a blocked
third-party import, and is what a data-only codec is expected to load there.

Every variant is read by every reader; a compressed variant (`compression:` in case.yaml, the
method its magic bytes say) is decompressed first (pjcompress.py), and its `protocol` is
the protocol of the pickle inside.
"""
import argparse
import ast
import concurrent.futures
import fnmatch
import glob
import hashlib
import io
import json
import os
import pickletools
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES_DIR = os.path.join(HERE, 'cases')
CORPUS_DIR = os.path.join(ROOT, 'corpus')
FEATURES_SRC = os.path.join(HERE, 'features.txt')
WORKER = os.path.join(HERE, 'pjrun.py')
VENVS_DIR = os.path.join(HERE, '.venvs')

sys.path.insert(0, HERE)
import pjcompress  # noqa: E402

VERSIONS = ['2.7', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13']
HASH_SEED = '0'
ERROR_KINDS = ['construct', 'truncated', 'stack-underflow', 'bad-mark', 'unknown-opcode', 'bad-memo',
               'unsupported-protocol', 'bad-utf8', 'bad-encoding', 'bad-literal',
               'bad-argument', 'missing-buffer', 'unknown-extension', 'limit-exceeded',
               'unresolved', 'bad-compression']
ERROR_REFERENCE_READER = 'cpython-3.13'
LOAD_KEYS = {'encoding', 'errors', 'fix_imports', 'extensions', 'persistent_load'}
META_KEYS = {'FEATURES', 'PYTHONS', 'PROTOCOLS', 'LOAD', 'EXPECT', 'ERROR', 'OOB',
             'EXTRA_READS', 'COMPRESS', 'NEEDS'}
COMPRESS_METHODS = ('gzip', 'bz2', 'xz')
# Third-party picklers a case can NEED: the producer `<package>-X.Y` runs `<package>.dumps`
# in an interpreter with the package installed from generators/requirements-<package>.txt.
THIRD_PARTY = ('dill', 'cloudpickle')
# Protocols each third-party pickler is asked for (of those the case and interpreter have).
THIRD_PARTY_PROTOCOLS = {'dill': [0, 1, 2, 3, 4, 5], 'cloudpickle': [0, 1, 2, 3, 4, 5]}
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
FEATURE_RE = re.compile(r'^[a-z][a-z0-9_-]*$')
YAML_RESERVED = {'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null'}
GENERATED_NOTE = '# generated by generators/make.py; do not edit.'


def vkey(v):
    return tuple(int(x) for x in v.split('.'))


def producers_of(version):
    if version == '2.7':
        return [('py', 'cpython-2.7'), ('c', 'cpython-2.7-cPickle')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def readers_of(version):
    if version == '2.7':
        return [('c', 'cpython-2.7'), ('py', 'cpython-2.7-py')]
    return [('c', 'cpython-' + version), ('py', 'cpython-%s-py' % version)]


def third_party_producer(package, version):
    return '%s-%s' % (package, version)


ALL_PRODUCERS = ([p for v in VERSIONS for _, p in producers_of(v)] +
                 [third_party_producer(pkg, v) for pkg in THIRD_PARTY for v in VERSIONS] +
                 ['handwritten'])
# The data-only reading (pjrun.read_data_only, docs/CANON.md section 7): CPython 3.13's
# pure-Python unpickler with inert stand-ins for the globals CPython cannot import.  It
# reads the variants of cases that NEED a third-party pickler, with every option set, and
# records a result where CPython's own reading (cpython-3.13) is `unresolved` at a blocked
# third-party import: the canon a data-only codec is expected to load.
DATAONLY_VERSION = '3.13'
DATAONLY_READER = 'cpython-3.13-dataonly'
ALL_READERS = [r for v in VERSIONS for _, r in readers_of(v)] + [DATAONLY_READER]
PRODUCER_ORDER = {p: i for i, p in enumerate(ALL_PRODUCERS)}
READER_ORDER = {r: i for i, r in enumerate(ALL_READERS)}
HIGHEST = {'2.7': 2, '3.6': 4, '3.7': 4}


def highest(version):
    return HIGHEST.get(version, 5)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Interpreters

def discover(overrides):
    found = {}
    pyenv = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    for v in VERSIONS:
        cands = []
        if v in overrides:
            cands.append(overrides[v])
        pats = sorted(glob.glob(os.path.join(pyenv, 'versions', v + '.*', 'bin', 'python')),
                      key=lambda p: [int(x) if x.isdigit() else 0 for x in
                                     re.split(r'[.]', os.path.basename(os.path.dirname(os.path.dirname(p))))])
        cands.extend(reversed(pats))
        w = shutil.which('python' + v)
        if w:
            cands.append(w)
        for c in cands:
            info = probe(c)
            if info and info['short'] == v:
                found[v] = dict(info, path=c)
                break
    return found


def probe(path):
    code = ('import sys, platform; '
            'print("%d.%d %s %s-%s" % (sys.version_info[0], sys.version_info[1], '
            'platform.python_version(), sys.platform, platform.machine()))')
    try:
        out = subprocess.run([path, '-c', code], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=60, env=worker_env()).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.decode('ascii', 'replace').split()
    if len(parts) != 3:
        return None
    return {'short': parts[0], 'full': parts[1], 'platform': parts[2]}


def worker_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('PYTHON') and k not in ('VIRTUAL_ENV',)}
    env['PYTHONHASHSEED'] = HASH_SEED
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env['PYTHONIOENCODING'] = 'utf-8'
    env['LC_ALL'] = 'C.UTF-8'
    return env


# ---------------------------------------------------------------------------
# Third-party producers (dill, cloudpickle): one ignored environment per interpreter

PROBE_THIRD_PARTY = r"""
import sys, json, inspect
sys.path[:0] = json.loads(sys.argv[2])
pkg = sys.argv[1]
if pkg == 'dill':
    import dill as m
    P = m.Pickler
    api = 'dill.dumps'
else:
    import cloudpickle as m
    P = getattr(m, 'CloudPickler', None) or m.Pickler
    api = 'cloudpickle.dumps'
impl = 'py'
base = None
for k in inspect.getmro(P):
    mod = getattr(k, '__module__', '')
    if mod == '_pickle' and k.__name__ == 'Pickler':
        impl, base = 'c', 'pickle.Pickler (_pickle)'
        break
    if mod == 'pickle' and k.__name__ in ('_Pickler', 'Pickler'):
        base = 'pickle.%s' % k.__name__
        if sys.version_info[0] == 2:
            base = 'pickle.Pickler (pickle.py)'
        break
print(json.dumps({'version': m.__version__, 'impl': impl, 'base': base,
                  'pickler': '%s.%s' % (P.__module__, P.__name__), 'api': api}))
"""


def requirements_file(pkg):
    return os.path.join(HERE, 'requirements-%s.txt' % pkg)


def _tail(b):
    lines = [l for l in b.decode('utf-8', 'replace').strip().split('\n') if l.strip()]
    return lines[-1].strip() if lines else ''


def third_party_env(v, info, pkg):
    """Install (or reuse) `pkg` for interpreter v; returns the producer's environment or
    (None, reason).  Python 3: a venv in generators/.venvs/<v>/ (python -m venv); Python
    2.7 (no venv module): pip install --target generators/.venvs/2.7/<pkg>/, put on the
    producer's sys.path only."""
    req = requirements_file(pkg)
    if not os.path.exists(req):
        return None, 'no %s' % os.path.relpath(req, ROOT)
    with open(req, 'rb') as f:
        stamp_text = hashlib.sha256(f.read()).hexdigest() + '\n'
    base = os.path.join(VENVS_DIR, v)
    stamp = os.path.join(base, '%s.installed' % pkg)
    pip_opts = ['--disable-pip-version-check', '--no-input', '-q', '--no-deps',
                '--timeout', '30', '--retries', '2']
    if v == '2.7':
        target = os.path.join(base, pkg)
        python = info['path']
        sys_path = [target]
        install = [python, '-m', 'pip', 'install'] + pip_opts + [
            '--target', target, '--upgrade', '-r', req]
    else:
        python = os.path.join(base, 'bin', 'python')
        sys_path = []
        install = [python, '-m', 'pip', 'install'] + pip_opts + ['-r', req]
    try:
        with open(stamp) as f:
            current = f.read() == stamp_text
    except OSError:
        current = False
    if current and not os.path.exists(python if v != '2.7' else target):
        current = False
    if not current:
        os.makedirs(base, exist_ok=True)
        if v != '2.7' and not os.path.exists(python):
            log('%s-%s: creating %s' % (pkg, v, os.path.relpath(base, ROOT)))
            p = subprocess.run([info['path'], '-m', 'venv', base], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=worker_env())
            if p.returncode != 0:
                return None, 'python -m venv failed: ' + _tail(p.stdout)
        log('%s-%s: installing from %s' % (pkg, v, os.path.relpath(req, ROOT)))
        p = subprocess.run(install, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=worker_env())
        if p.returncode != 0:
            return None, 'pip install failed: ' + _tail(p.stdout)
        with open(stamp, 'w') as f:
            f.write(stamp_text)
    p = subprocess.run([python, '-c', PROBE_THIRD_PARTY, pkg, json.dumps(sys_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=worker_env())
    if p.returncode != 0:
        return None, 'import %s failed: %s' % (pkg, _tail(p.stdout))
    try:
        probe = json.loads(p.stdout.decode('utf-8').strip().split('\n')[-1])
    except ValueError:
        return None, 'probe said: ' + _tail(p.stdout)
    return dict(probe, python=python, sys_path=sys_path), None


def setup_third_party(packages, interps):
    """{(version, package): env} for every package and interpreter that works; says why
    for those that do not."""
    envs = {}
    for pkg in packages:
        for v in VERSIONS:
            if v not in interps:
                continue
            env, why = third_party_env(v, interps[v], pkg)
            if env is None:
                log('%s: %s; producer %s skipped' % (third_party_producer(pkg, v), why,
                                                     third_party_producer(pkg, v)))
                continue
            envs[(v, pkg)] = env
    if envs:
        log('third-party producers: ' + ', '.join(
            '%s (%s %s, %s)' % (third_party_producer(pkg, v), pkg, e['version'], e['impl'])
            for (v, pkg), e in sorted(envs.items(), key=lambda kv: (THIRD_PARTY.index(kv[0][1]),
                                                                   vkey(kv[0][0])))))
    return envs


# ---------------------------------------------------------------------------
# Cases and lint

class LintError(Exception):
    pass


def case_files():
    out = []
    for path in sorted(glob.glob(os.path.join(CASES_DIR, '*', '*.py'))):
        cat = os.path.basename(os.path.dirname(path))
        name = os.path.basename(path)[:-3]
        out.append((cat + '/' + name, path))
    return out


def version_matches(spec, version):
    spec = spec.strip()
    if spec.endswith('+'):
        return vkey(version) >= vkey(spec[:-1])
    if '-' in spec:
        lo, hi = spec.split('-')
        return vkey(lo) <= vkey(version) <= vkey(hi)
    return vkey(spec) == vkey(version)


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
    if not isinstance(needs, list) or not all(n in THIRD_PARTY for n in needs) or \
            len(set(needs)) != len(needs):
        err('NEEDS must be a list of: ' + ', '.join(THIRD_PARTY))
        needs = []
    if needs and handwritten:
        err('NEEDS goes with obj, not DATA')
    if needs and (compress or meta.get('OOB') or load):
        err('NEEDS does not go with COMPRESS, OOB or LOAD')
    description = ' '.join(doc.split('\n\n')[0].split())
    case = {
        'id': cid, 'path': path, 'source': text, 'description': description,
        'features': feats, 'expect': expect, 'error': error, 'load': load,
        'pythons': pythons, 'protocols': sorted(protocols), 'oob': bool(meta.get('OOB')),
        'extra_reads': extra, 'handwritten': handwritten,
        'compress': compress, 'needs': sorted(needs, key=THIRD_PARTY.index),
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


def read_features():
    feats = {}
    with open(FEATURES_SRC, encoding='utf-8') as f:
        for i, line in enumerate(f):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            name, _, desc = line.partition(':')
            name = name.strip()
            if not FEATURE_RE.match(name) or name in YAML_RESERVED:
                raise LintError('features.txt line %d: bad feature name %r' % (i + 1, name))
            if name in feats:
                raise LintError('features.txt: duplicate feature %r' % name)
            feats[name] = desc.strip()
    return feats


def load_all_cases():
    errors = []
    features = read_features()
    cases = []
    for cid, path in case_files():
        c = load_case(cid, path, features, errors)
        if c:
            cases.append(c)
    used = {f for c in cases for f in c['features']}
    for f in sorted(set(features) - used):
        errors.append('features.txt: feature %r is used by no case' % f)
    return cases, features, errors


# ---------------------------------------------------------------------------
# Running the interpreters

def run_jobs(jobs, jobs_n):
    """jobs: list of (label, argv, on_done) run in parallel; returns when all finished."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs_n) as ex:
        futs = [ex.submit(j) for j in jobs]
        for f in futs:
            f.result()


def run_worker(python, mode, job, workdir, label):
    jobfile = os.path.join(workdir, '%s-%s.json' % (mode, label))
    outfile = os.path.join(workdir, '%s-%s.jsonl' % (mode, label))
    if os.path.exists(outfile):
        os.unlink(outfile)
    records = []
    done = set()
    crashes = []
    for attempt in range(200):
        job['done'] = sorted(done)
        with open(jobfile, 'w') as f:
            json.dump(job, f)
        proc = subprocess.run([python, WORKER, mode, jobfile, outfile], env=worker_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir)
        records = []
        begun = None
        with open(outfile, encoding='utf-8') as f:
            for line in f:
                if not line.endswith('\n'):
                    break
                r = json.loads(line)
                if 'begin' in r:
                    begun = r['begin']
                    continue
                records.append(r)
                if 'task' in r:
                    done.add('%d|%s|%d' % (r['task'], r['reader'], r['opt']))
                    begun = None
        if proc.returncode == 0:
            return records
        if mode == 'read' and begun is not None:
            key = '%d|%s|%d' % tuple(begun)
            done.add(key)
            crashes.append({'task': begun[0], 'reader': begun[1], 'opt': begun[2],
                            'error': {'kind': 'crash', 'type': 'crash',
                                      'message': 'interpreter exited with status %d' % proc.returncode}})
            # keep the crash record in the output file for the next attempt's parse
            with open(outfile, 'a', encoding='utf-8') as f:
                f.write(json.dumps(crashes[-1]) + '\n')
            continue
        raise SystemExit('%s %s failed (status %d):\n%s' % (
            label, mode, proc.returncode, proc.stderr.decode('utf-8', 'replace')[-4000:]))
    raise SystemExit('%s: too many crashes' % label)


# ---------------------------------------------------------------------------
# Building the corpus

def declared_protocol(data):
    if len(data) >= 2 and data[0] == 0x80:
        return data[1]
    return 0


def py2_str_opcodes(data):
    try:
        for op, arg, pos in pickletools.genops(data):
            if op.name in ('STRING', 'BINSTRING', 'SHORT_BINSTRING'):
                return True
    except Exception:
        pass
    return False


# make.py looks inside a compressed variant for its protocol and Python 2 str opcodes only;
# past this size (the bombs) it does not look further.
SCAN_CAP = 16 * 1024 * 1024


def inspect_variant(data):
    """(compression, protocol, has py2 str opcodes) of a variant's bytes: the protocol and
    opcodes of the pickle inside when the file is compressed."""
    method = pjcompress.detect(data)
    if method is None:
        return None, declared_protocol(data), py2_str_opcodes(data)
    try:
        inner = pjcompress.decompress(data, SCAN_CAP)
    except pjcompress.Error:
        inner = None
    if inner is None:
        # Too big or corrupt: the protocol from the first bytes that decompress.
        return method, declared_protocol(bytearray(pjcompress.head(data, 2))), False
    return method, declared_protocol(bytearray(inner)), py2_str_opcodes(inner)


def generate(cases, interps, workdir, jobs_n, warnings, third_party=None):
    """Produce and read; returns {case_id: {'variants': [...]}} and the blob dir.

    third_party: {(version, package): env} for the third-party producers that can run
    (env: 'python' and 'sys_path' to run pjrun with)."""
    third_party = third_party or {}
    blobdir = os.path.join(workdir, 'blobs')
    os.makedirs(blobdir, exist_ok=True)
    # -- produce
    produced = {c['id']: {} for c in cases}   # case -> (sha, bufs) -> {producers, proto}
    prod_jobs = []
    results_lock = __import__('threading').Lock()

    def case_job(c):
        return {'id': c['id'], 'path': c['path'], 'protocols': c['protocols'],
                'extensions': c['load'].get('extensions'),
                'persistent': bool(c['load'].get('persistent_load')),
                'oob': c['oob'], 'compress': c['compress'], 'needs': c['needs'],
                'relpath': os.path.relpath(c['path'], ROOT).replace(os.sep, '/')}

    def collect(v, recs):
        with results_lock:
            for r in recs:
                if 'skip' in r:
                    continue
                if 'error' in r:
                    warnings.append('producer %s, %s p%s: %s' % (
                        r.get('producer', v), r['case'], r.get('proto', '?'), r['error']))
                    continue
                key = (r['sha'], tuple(r['bufs']))
                ent = produced[r['case']].setdefault(key, {'producers': set(), 'written': set()})
                ent['producers'].add(r['producer'])
                ent['written'].add(r['proto'])

    def make_prod(v, info):
        def job():
            todo = []
            for c in cases:
                if c['handwritten'] or c['needs']:
                    continue
                if c['pythons'] and not any(version_matches(s, v) for s in c['pythons']):
                    continue
                todo.append(case_job(c))
            recs = run_worker(info['path'], 'produce',
                              {'impls': producers_of(v), 'blobdir': blobdir, 'cases': todo},
                              workdir, v)
            collect(v, recs)
        return job

    def make_third_party(v, pkg, env):
        def job():
            todo = []
            for c in cases:
                if pkg not in c['needs']:
                    continue
                if c['pythons'] and not any(version_matches(s, v) for s in c['pythons']):
                    continue
                cj = case_job(c)
                cj['protocols'] = [p for p in cj['protocols'] if p in THIRD_PARTY_PROTOCOLS[pkg]]
                todo.append(cj)
            if not todo:
                return
            recs = run_worker(env['python'], 'produce',
                              {'impls': [[pkg, third_party_producer(pkg, v)]], 'blobdir': blobdir,
                               'cases': todo, 'sys_path': env['sys_path']},
                              workdir, '%s-%s' % (pkg, v))
            collect(v, recs)
        return job

    for v, info in sorted(interps.items(), key=lambda kv: -len(kv[0])):
        prod_jobs.append(make_prod(v, info))
    for (v, pkg), env in sorted(third_party.items()):
        if v in interps:
            prod_jobs.append(make_third_party(v, pkg, env))
    run_jobs(prod_jobs, jobs_n)
    for c in cases:
        if c['handwritten']:
            data = c['data']
            sha = hashlib.sha256(data).hexdigest()
            with open(os.path.join(blobdir, sha), 'wb') as f:
                f.write(data)
            produced[c['id']][(sha, ())] = {'producers': {'handwritten'},
                                             'written': {inspect_variant(data)[1]}}
    # -- variants
    variants = {}
    tasks = []
    for c in cases:
        vl = []
        for (sha, bufs), ent in produced[c['id']].items():
            with open(os.path.join(blobdir, sha), 'rb') as f:
                data = f.read()
            compression, proto, py2_str = inspect_variant(data)
            prods = sorted(ent['producers'], key=lambda p: PRODUCER_ORDER[p])
            optsets = [{}]
            if py2_str:
                for enc in ('latin1', 'bytes'):
                    if c['load'].get('encoding') != enc:
                        optsets.append({'encoding': enc})
            for x in c['extra_reads']:
                if x not in optsets:
                    optsets.append(x)
            var = {'sha': sha, 'bufs': list(bufs), 'protocol': proto, 'size': len(data),
                   'compression': compression, 'written_at': sorted(ent['written']),
                   'producers': prods, 'optsets': optsets, 'results': {}}
            vl.append(var)
        vl.sort(key=lambda x: (x['protocol'], PRODUCER_ORDER[x['producers'][0]], x['sha']))
        variants[c['id']] = vl
        for var in vl:
            tasks.append((c, var))
    # -- read
    read_jobs = []

    def make_read(v, info):
        def job():
            tlist = []
            for c, var in tasks:
                opts = var['optsets'] if v != '2.7' else [{}]
                t = {'file': os.path.join(blobdir, var['sha']),
                     'bufs': [os.path.join(blobdir, b) for b in var['bufs']],
                     'protocol': var['protocol'], 'load': c['load'], 'optsets': opts}
                if c['needs'] and v == DATAONLY_VERSION:
                    t['dataonly'] = DATAONLY_READER
                tlist.append(t)
            recs = run_worker(info['path'], 'read', {'impls': readers_of(v), 'tasks': tlist},
                              workdir, v)
            with results_lock:
                for r in recs:
                    c, var = tasks[r['task']]
                    opt = r['opt']
                    if 'skip' in r:
                        # this interpreter cannot decompress the file (2.7 has no lzma)
                        continue
                    if 'canon_failure' in r:
                        warnings.append('reader %s, %s %s: canon failed: %s\n%s' % (
                            r['reader'], c['id'], var['sha'][:12], r['canon_failure'],
                            r.get('trace', '')))
                        out = {'error': {'kind': 'canon-failure', 'type': 'CanonError',
                                         'message': r['canon_failure']}}
                    elif 'canon' in r:
                        out = {'canon': r['canon']}
                    else:
                        out = {'error': r['error']}
                    var['results'][(opt, r['reader'])] = out
        return job

    for v, info in sorted(interps.items(), key=lambda kv: -len(kv[0])):
        read_jobs.append(make_read(v, info))
    run_jobs(read_jobs, jobs_n)
    return variants, blobdir


# ---------------------------------------------------------------------------
# YAML writing (a small emitter for exactly this schema)

_YAML_UNSAFE = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff'
                          '\ud800-\udfff]')


def yaml_safe_json(text):
    """JSON text with the characters YAML forbids (or reads as line breaks) escaped."""
    return _YAML_UNSAFE.sub(lambda m: '\\u%04x' % ord(m.group(0)), text)


def jdump(v):
    return yaml_safe_json(json.dumps(v, ensure_ascii=False, separators=(',', ':'),
                                     sort_keys=True))


def qstr(s):
    return yaml_safe_json(json.dumps(s, ensure_ascii=False))


def plain_list(xs):
    for x in xs:
        if not re.match(r'^[A-Za-z0-9_.][A-Za-z0-9_.+-]*$', x) or x.lower() in YAML_RESERVED:
            raise LintError('not a safe plain scalar: %r' % x)
    return '[' + ', '.join(xs) + ']'


def variant_file(var):
    return 'p%d-%s.pkl' % (var['protocol'], var['sha'][:12])


def buffer_files(var):
    return ['p%d-%s.buf%d' % (var['protocol'], var['sha'][:12], i) for i in range(len(var['bufs']))]


def group_results(var):
    """[(optset, readers, outcome)] with readers of identical outcome grouped."""
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


def error_flow(e):
    kind = e['kind']
    typ = e['type']
    if not re.match(r'^[A-Za-z_][A-Za-z0-9_.]*$', typ):
        typ = qstr(typ)
    return '{kind: %s, type: %s, message: %s}' % (kind, typ, qstr(e['message']))


def case_yaml(c, vl):
    rel = os.path.relpath(c['path'], ROOT)
    lines = [GENERATED_NOTE[:-len(' do not edit.')] + ' from %s; do not edit.' % rel]
    lines.append('id: ' + c['id'])
    lines.append('description: ' + qstr(c['description']))
    lines.append('features: ' + plain_list(c['features']))
    lines.append('expect: ' + c['expect'])
    if c['expect'] == 'reject':
        lines.append('error: ' + c['error'])
    lines.append('source: |')
    for line in c['source'].rstrip('\n').split('\n'):
        lines.append(('  ' + line) if line else '')
    lines.append('load: ' + jdump(c['load']))
    lines.append('variants:')
    for var in vl:
        lines.append('- file: ' + variant_file(var))
        lines.append('  protocol: %d' % var['protocol'])
        if var.get('compression'):
            lines.append('  compression: ' + var['compression'])
        lines.append('  written_at: [%s]' % ', '.join(str(p) for p in var['written_at']))
        lines.append('  sha256: ' + var['sha'])
        lines.append('  size: %d' % var['size'])
        lines.append('  producers: ' + plain_list(var['producers']))
        lines.append('  buffers: ' + plain_list(buffer_files(var)))
        lines.append('  results:')
        for opt, readers, res in group_results(var):
            lines.append('  - options: ' + jdump(opt))
            lines.append('    readers: ' + plain_list(readers))
            if 'canon' in res:
                # A single-quoted JSON string, not a flow mapping: YAML parsers cap
                # nesting depth (128 in libyaml-based ones), and deep cases exceed it.
                lines.append("    canon: '" + yaml_safe_json(res['canon']).replace("'", "''") + "'")
            else:
                lines.append('    error: ' + error_flow(res['error']))
    return '\n'.join(lines) + '\n'


def parse_case_yaml(text):
    """Parse what case_yaml writes (not general YAML)."""
    d = {'variants': []}
    lines = text.split('\n')
    i = 0
    var = None
    res = None
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line or line.startswith('#'):
            continue
        if line == 'source: |':
            src = []
            while i < len(lines) and (lines[i].startswith('  ') or lines[i] == ''):
                if lines[i] == '':
                    j = i
                    while j < len(lines) and lines[j] == '':
                        j += 1
                    if j >= len(lines) or not lines[j].startswith('  '):
                        break
                src.append(lines[i][2:])
                i += 1
            d['source'] = '\n'.join(src) + '\n'
            continue
        m = re.match(r'^(- |  - |  |    )?([a-z0-9_]+): (.*)$', line)
        if not m:
            if line in ('variants:', '  results:'):
                continue
            raise ValueError('cannot parse line: %r' % line)
        prefix, key, val = m.group(1) or '', m.group(2), m.group(3)
        if val.startswith('[') and not val.startswith('[{') and key in (
                'features', 'producers', 'buffers', 'readers'):
            val = [x for x in val[1:-1].split(', ') if x]
        elif key == 'written_at':
            val = [int(x) for x in val[1:-1].split(', ') if x]
        elif key == 'canon' and val.startswith("'"):
            val = json.loads(val[1:-1].replace("''", "'"))
        elif key in ('canon', 'load', 'options', 'description'):
            val = json.loads(val)
        elif key == 'error' and val.startswith('{'):
            m2 = re.match(r'^\{kind: ([^,]+), type: ([^,]+|"(?:[^"\\]|\\.)*"), message: (.*)\}$', val)
            val = {'kind': m2.group(1), 'type': m2.group(2), 'message': json.loads(m2.group(3))}
        elif key in ('protocol', 'size'):
            val = int(val)
        if prefix == '- ':
            var = {key: val, 'results': []}
            d['variants'].append(var)
        elif prefix == '  ':
            var[key] = val
        elif prefix == '  - ':
            res = {key: val}
            var['results'].append(res)
        elif prefix == '    ':
            res[key] = val
        else:
            d[key] = val
    return d


def write_case(corpus, c, vl, blobdir):
    d = os.path.join(corpus, c['id'])
    if os.path.isdir(d):
        for fn in os.listdir(d):
            if fn == 'case.yaml' or re.match(r'^p\d-[0-9a-f]{12}\.(pkl|buf\d+)$', fn):
                os.unlink(os.path.join(d, fn))
    os.makedirs(d, exist_ok=True)
    for var in vl:
        shutil.copyfile(os.path.join(blobdir, var['sha']), os.path.join(d, variant_file(var)))
        for b, fn in zip(var['bufs'], buffer_files(var)):
            shutil.copyfile(os.path.join(blobdir, b), os.path.join(d, fn))
    with open(os.path.join(d, 'case.yaml'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(case_yaml(c, vl))


def write_features(corpus, features):
    lines = [GENERATED_NOTE[:-len(' do not edit.')] + ' from generators/features.txt; do not edit.']
    lines.append('# The feature registry: every feature a case lists is here, and every one here is used.')
    for name in sorted(features):
        lines.append('%s: %s' % (name, qstr(features[name])))
    with open(os.path.join(corpus, 'features.yaml'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')


def manifest_producer_blocks(path):
    """{producer id: [lines]} of the producers in an existing manifest.yaml."""
    blocks = {}
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except OSError:
        return blocks
    cur = None
    section = None
    for line in lines:
        if line in ('producers:', 'readers:'):
            section = line[:-1]
            cur = None
            continue
        if section != 'producers':
            continue
        if line.startswith('- id: '):
            cur = line[len('- id: '):]
            blocks[cur] = [line]
        elif line.startswith('  ') and cur is not None:
            blocks[cur].append(line)
        else:
            cur = None
    return blocks


def manifest_entry(ident, info, impl, api, protocols, package=None):
    """The lines of one producer or reader in manifest.yaml."""
    lines = ['- id: ' + ident,
             '  python: ' + qstr(info['full']),
             '  implementation: ' + impl,
             '  api: ' + qstr(api)]
    if package is not None:
        lines.append('  package: ' + qstr(package))
    lines += ['  hash_seed: ' + HASH_SEED,
              '  platform: ' + qstr(info['platform']),
              '  protocols: ' + jdump(protocols)]
    return lines


def write_manifest(corpus, interps, third_party=None, old_manifest=None):
    """third_party: {(version, package): env} of the third-party producers that ran; those
    that did not keep the entry they have in old_manifest (a manifest.yaml path)."""
    third_party = third_party or {}
    old_blocks = manifest_producer_blocks(old_manifest) if old_manifest else {}
    lines = [GENERATED_NOTE]
    lines.append('# Producers write the cases; readers load every variant. Hash seed pinned.')
    lines.append('producers:')
    for v in VERSIONS:
        if v not in interps:
            continue
        info = interps[v]
        for impl, pid in producers_of(v):
            lines.extend(manifest_entry(pid, info, impl, api_name(v, impl, 'dump'),
                                        list(range(highest(v) + 1))))
    for pkg in THIRD_PARTY:
        for v in VERSIONS:
            pid = third_party_producer(pkg, v)
            env = third_party.get((v, pkg))
            if env is None or v not in interps:
                lines.extend(old_blocks.get(pid, []))
                continue
            api = '%s (%s, a subclass of %s)' % (env['api'], env['pickler'], env['base'])
            protocols = [p for p in range(highest(v) + 1) if p in THIRD_PARTY_PROTOCOLS[pkg]]
            lines.extend(manifest_entry(pid, interps[v], env['impl'], api, protocols,
                                        package='%s==%s' % (pkg, env['version'])))
    lines.append('- id: handwritten')
    lines.append('  python: ""')
    lines.append('  implementation: none')
    lines.append('  api: "bytes written by hand in the case file (DATA)"')
    lines.append('  hash_seed: ' + HASH_SEED)
    lines.append('  platform: ""')
    lines.append('  protocols: [0,1,2,3,4,5]')
    lines.append('readers:')
    for v in VERSIONS:
        if v not in interps:
            continue
        info = interps[v]
        for impl, rid in readers_of(v):
            lines.extend(manifest_entry(rid, info, impl, api_name(v, impl, 'load'),
                                        list(range(highest(v) + 1))))
            lines.append('  options: ' + jdump(v != '2.7'))
        if v == DATAONLY_VERSION:
            lines.extend(manifest_entry(
                DATAONLY_READER, info, 'py',
                'pickle._Unpickler, data-only: globals CPython cannot import are inert '
                'stand-ins, calls involving them are recorded (docs/CANON.md section 7)',
                list(range(highest(v) + 1))))
            lines.append('  options: true')
            lines.append('  reads: ' + qstr('variants of cases that NEED a third-party pickler, '
                                            'where ' + ERROR_REFERENCE_READER + ' is unresolved '
                                            'at a blocked import'))
    with open(os.path.join(corpus, 'manifest.yaml'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')


def api_name(v, impl, what):
    if v == '2.7':
        if what == 'dump':
            return 'cPickle.dumps' if impl == 'c' else 'pickle.Pickler (pickle.py)'
        return 'cPickle.Unpickler' if impl == 'c' else 'pickle.Unpickler (pickle.py)'
    if what == 'dump':
        return 'pickle.Pickler (_pickle)' if impl == 'c' else 'pickle._Pickler'
    return 'pickle.Unpickler (_pickle)' if impl == 'c' else 'pickle._Unpickler'


def write_readme(corpus):
    cats = {}
    prod = {}
    protos = {}
    nvar = 0
    nfiles = 0
    nbytes = 0
    nreject = 0
    for path in sorted(glob.glob(os.path.join(corpus, '*', '*', 'case.yaml'))):
        with open(path, encoding='utf-8') as f:
            d = parse_case_yaml(f.read())
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
         'The canon form and the error kinds are specified in `docs/CANON.md`.', '',
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
         'for what they wrote. For those variants the reader `cpython-3.13-dataonly` records',
         'the data-only reading: CPython 3.13\'s `pickle._Unpickler` with inert stand-ins for the',
         'globals CPython cannot import (docs/CANON.md section 7), the canon a data-only codec',
         'is expected to load.', '',
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
    with open(os.path.join(corpus, 'README.md'), 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(L) + '\n')


# ---------------------------------------------------------------------------
# Checks

def check_reject_kinds(cases, variants, warnings, errors):
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
                if 'error' in res and res['error']['kind'] in ('unknown', 'crash', 'canon-failure'):
                    warnings.append('%s %s %s: %s' % (c['id'], variant_file(var), r, res['error']))


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
        with open(po, encoding='utf-8') as f:
            do = parse_case_yaml(f.read())
        with open(pn, encoding='utf-8') as f:
            dn = parse_case_yaml(f.read())
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
            for k in ('file', 'protocol', 'compression', 'size', 'buffers'):
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


# ---------------------------------------------------------------------------
# new

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


def cmd_new(name):
    if not re.match(r'^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*$', name):
        raise SystemExit('name must be CATEGORY/NAME, lowercase snake_case')
    path = os.path.join(CASES_DIR, name + '.py')
    if os.path.exists(path):
        raise SystemExit('exists: ' + os.path.relpath(path, ROOT))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='ascii', newline='\n') as f:
        f.write(TEMPLATE.format(title=name))
    print('created %s; edit it, then run: python3 generators/make.py --only %s' % (
        os.path.relpath(path, ROOT), name))


# ---------------------------------------------------------------------------

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
                    help='act as if this interpreter were missing (repeatable)')
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
        overrides = dict(spec.partition('=')[::2] for spec in args.python)
        found = discover(overrides)
        print(' '.join('--python %s=%s' % (v, found[v]['path']) for v in VERSIONS if v in found))
        return 0
    if args.command not in ('build', 'lint'):
        raise SystemExit('unknown command ' + args.command)

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
    if args.only:
        sel = [c for c in cases if any(fnmatch.fnmatchcase(c['id'], g) for g in args.only)]
        if not sel:
            raise SystemExit('--only matched no case')
    else:
        sel = cases

    overrides = {}
    for spec in args.python:
        v, _, p = spec.partition('=')
        overrides[v] = p
    interps = discover(overrides)
    for v in args.without:
        interps.pop(v, None)
    missing = [v for v in VERSIONS if v not in interps]
    avail_producers = {p for v in interps for _, p in producers_of(v)} | {'handwritten'}
    avail_readers = {r for v in interps for _, r in readers_of(v)}
    if DATAONLY_VERSION in interps:
        avail_readers.add(DATAONLY_READER)
    log('interpreters: ' + ', '.join('%s=%s' % (v, interps[v]['full']) for v in VERSIONS if v in interps))
    if missing:
        log('missing interpreters: %s (producers and readers skipped: %s)' % (
            ', '.join(missing), ', '.join(p for v in missing for _, p in producers_of(v) + readers_of(v))))

    # Third-party producers: only with --with; cases that need a package that is not
    # installed are skipped, and their committed corpus files are kept as they are.
    with_pkgs = []
    for spec in args.with_:
        for pkg in spec.split(','):
            pkg = pkg.strip()
            if not pkg:
                continue
            if pkg not in THIRD_PARTY:
                raise SystemExit('--with: unknown package %r (known: %s)' % (pkg, ', '.join(THIRD_PARTY)))
            if pkg not in with_pkgs:
                with_pkgs.append(pkg)
    needed = sorted({p for c in sel for p in c['needs']}, key=THIRD_PARTY.index)
    third_party = setup_third_party([p for p in with_pkgs if p in needed], interps)
    have_pkgs = {pkg for (_, pkg) in third_party}
    skipped = [c for c in sel if c['needs'] and not all(p in have_pkgs for p in c['needs'])]
    if skipped:
        lacking = sorted({p for c in skipped for p in c['needs'] if p not in have_pkgs},
                         key=THIRD_PARTY.index)
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
        variants, blobdir = generate(sel, interps, workdir, args.jobs, warnings, third_party)
        cerrors = []
        if ERROR_REFERENCE_READER.rsplit('-', 1)[-1] in interps:
            check_reject_kinds(sel, variants, warnings, cerrors)
        for w in warnings:
            log('warning: ' + w)
        if cerrors:
            for e in cerrors:
                log('error: ' + e)
            return 2
        partial = bool(missing or missing_third_party)
        if missing_third_party:
            log('third-party producers not available: %s' % ', '.join(missing_third_party))
        old_manifest = os.path.join(args.corpus, 'manifest.yaml')
        if args.check:
            newdir = os.path.join(workdir, 'corpus')
            os.makedirs(newdir)
            for c in sel:
                write_case(newdir, c, variants[c['id']], blobdir)
            for cid in sorted(skipped_ids):
                # not regenerated here: the committed files stand (and count in README.md)
                src = os.path.join(args.corpus, cid)
                if os.path.isdir(src):
                    shutil.copytree(src, os.path.join(newdir, cid))
            ids = {c['id'] for c in sel}
            if not partial:
                write_features(newdir, features)
                write_manifest(newdir, interps, third_party, old_manifest)
                if not args.only:
                    write_readme(newdir)
                    diffs = compare_full(args.corpus, newdir, None)
                else:
                    diffs = compare_full(args.corpus, newdir, ids)
            else:
                log('--check: comparing only what %s can regenerate' % ', '.join(
                    sorted(interps, key=vkey) + sorted(
                        third_party_producer(pkg, v) for (v, pkg) in third_party)))
                diffs = compare_restricted(args.corpus, newdir, sorted(ids),
                                           avail_producers, avail_readers)
                if not args.only:
                    have = {os.path.dirname(os.path.relpath(p, args.corpus)).replace(os.sep, '/')
                            for p in glob.glob(os.path.join(args.corpus, '*', '*', 'case.yaml'))}
                    diffs += sorted(have - ids - skipped_ids)
            if diffs:
                log('--check: %d differences:' % len(diffs))
                for d in diffs:
                    log('  ' + d)
                return 1
            print('--check: corpus is up to date (%d cases%s)' % (
                len(sel), ', %d kept as committed' % len(skipped_ids) if skipped_ids else ''))
            return 0
        corpus = args.corpus
        os.makedirs(corpus, exist_ok=True)
        for c in sel:
            write_case(corpus, c, variants[c['id']], blobdir)
        if not args.only:
            ids = {c['id'] for c in sel} | skipped_ids
            for p in glob.glob(os.path.join(corpus, '*', '*', 'case.yaml')):
                cid = os.path.dirname(os.path.relpath(p, corpus)).replace(os.sep, '/')
                if cid not in ids:
                    shutil.rmtree(os.path.dirname(p))
            for d in glob.glob(os.path.join(corpus, '*')):
                if os.path.isdir(d) and not os.listdir(d):
                    os.rmdir(d)
        write_features(corpus, features)
        if not missing or not os.path.exists(os.path.join(corpus, 'manifest.yaml')):
            write_manifest(corpus, interps, third_party, old_manifest)
        write_readme(corpus)
        print('wrote %d cases, %d variants into %s' % (
            len(sel), sum(len(variants[c['id']]) for c in sel), os.path.relpath(corpus, os.getcwd())))
        return 0
    finally:
        if not args.keep_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log('kept ' + workdir)


if __name__ == '__main__':
    sys.exit(main())
