"""The real-library producers and readers (make.py --with numpy,pandas,sklearn): one
environment per interpreter with the libraries pinned in generators/requirements-<lib>.txt,
ignored by git.

    numpy-X.Y     producer: CPython X.Y's pickle.dumps (the C pickler; 2.7: cPickle.dumps)
                  of a libraries/ case that NEEDS numpy, with the pinned numpy imported;
                  reader (`resolves` in case.yaml): pickle.loads of every variant of those
                  cases with the real numpy: does it resolve?
    pandas-X.Y    the same with pandas (and the numpy it is pinned with)
    sklearn-X.Y   the same with scikit-learn (and its numpy, scipy, joblib)
    joblib-X.Y    producer: joblib.dump (plain and zlib-compressed) of a libraries/ case that
                  NEEDS joblib beside its library; reader: joblib.load of those files

Python 3: a venv in generators/.venvs/libs-<version>/ (python -m venv); Python 2.7 (no venv
module): pip install --target generators/.venvs/libs-2.7/site/, put on sys.path.  Each
library's requirements file is installed with --no-deps and --only-binary=:all: (wheels
only: nothing is compiled), after those of the libraries it needs (LIBRARY_DEPS); a stamp
file per library (its requirements file's SHA-256) says the environment has it.  An
interpreter for which a pinned version has no wheel is skipped with pip's reason.  PyPy has
no library producers or readers.
"""
import hashlib
import json
import os
import subprocess

from . import ROOT, VENVS_DIR, log
from .discovery import worker_env
from .ids import LIBRARIES, VERSIONS, third_party_producer
from .thirdparty import _tail, requirements_file

# What each library's environment needs installed first (its own requirements file pins
# only what the libraries before it do not).
LIBRARY_DEPS = {'numpy': [], 'pandas': ['numpy'], 'sklearn': ['numpy', 'joblib'],
                'joblib': ['numpy']}
# The module each library is imported as, and its distribution name.
LIBRARY_MODULE = {'numpy': 'numpy', 'pandas': 'pandas', 'sklearn': 'sklearn',
                  'joblib': 'joblib'}

PROBE_LIBRARIES = r"""
import sys, json
sys.path[:0] = json.loads(sys.argv[2])
out = {}
for lib, mod in json.loads(sys.argv[1]):
    m = __import__(mod)
    out[lib] = m.__version__
print(json.dumps(out))
"""


def install_order(libs):
    """The libraries to install for `libs`, each after those it needs, once each."""
    order = []

    def add(lib):
        for d in LIBRARY_DEPS[lib]:
            add(d)
        if lib not in order:
            order.append(lib)
    for lib in libs:
        add(lib)
    return order


def _stamp_text(lib):
    with open(requirements_file(lib), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest() + '\n'


def library_env(v, info, libs):
    """Install (or reuse) the libraries `libs` (and what they need) for interpreter v;
    returns ({'python', 'sys_path', 'versions': {lib: version}}, None) or (None, reason)."""
    order = install_order(libs)
    for lib in order:
        if not os.path.exists(requirements_file(lib)):
            return None, 'no %s' % os.path.relpath(requirements_file(lib), ROOT)
    base = os.path.join(VENVS_DIR, 'libs-' + v)
    pip_opts = ['--disable-pip-version-check', '--no-input', '-q', '--no-deps',
                '--only-binary=:all:', '--timeout', '30', '--retries', '2']
    if v == '2.7':
        target = os.path.join(base, 'site')
        python = info['path']
        sys_path = [target]
        pip_target = ['--target', target, '--upgrade']
    else:
        python = os.path.join(base, 'bin', 'python')
        sys_path = []
        pip_target = []
    os.makedirs(base, exist_ok=True)
    if v != '2.7' and not os.path.exists(python):
        log('libraries-%s: creating %s' % (v, os.path.relpath(base, ROOT)))
        p = subprocess.run([info['path'], '-m', 'venv', base], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=worker_env())
        if p.returncode != 0:
            return None, 'python -m venv failed: ' + _tail(p.stdout)
    for lib in order:
        stamp = os.path.join(base, '%s.installed' % lib)
        want = _stamp_text(lib)
        try:
            with open(stamp) as f:
                current = f.read() == want
        except OSError:
            current = False
        if current:
            continue
        log('%s-%s: installing from %s' % (lib, v, os.path.relpath(requirements_file(lib), ROOT)))
        p = subprocess.run([python, '-m', 'pip', 'install'] + pip_opts + pip_target +
                           ['-r', requirements_file(lib)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=worker_env())
        if p.returncode != 0:
            return None, 'pip install of %s failed: %s' % (lib, _tail(p.stdout))
        with open(stamp, 'w') as f:
            f.write(want)
    mods = [[lib, LIBRARY_MODULE[lib]] for lib in order]
    p = subprocess.run([python, '-c', PROBE_LIBRARIES, json.dumps(mods), json.dumps(sys_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=worker_env())
    if p.returncode != 0:
        return None, 'import failed: %s' % _tail(p.stdout)
    try:
        versions = json.loads(p.stdout.decode('utf-8').strip().split('\n')[-1])
    except ValueError:
        return None, 'probe said: ' + _tail(p.stdout)
    return {'python': python, 'sys_path': sys_path, 'versions': versions, 'impl': 'c',
            'libraries': order}, None


def setup_libraries(libs, interps):
    """{(version, library): env} for every library in `libs` and CPython interpreter where
    its environment works (the same env for every library of one interpreter); says why for
    those that do not."""
    envs = {}
    if not libs:
        return envs
    for v in VERSIONS:
        if v not in interps:
            continue
        env, why = library_env(v, interps[v], libs)
        if env is None:
            log('libraries on %s: %s; producers and readers %s skipped' % (
                v, why, ', '.join(third_party_producer(lib, v) for lib in libs)))
            continue
        for lib in libs:
            envs[(v, lib)] = dict(env, version=env['versions'][lib],
                                  # joblib.dump pickles with pickle._Pickler (NumpyPickler)
                                  impl='py' if lib == 'joblib' else env['impl'],
                                  api='joblib.dump' if lib == 'joblib' else
                                  'pickle.dumps' if v != '2.7' else 'cPickle.dumps')
    if envs:
        log('library producers and readers: ' + ', '.join(
            '%s (%s %s)' % (third_party_producer(lib, v), lib, e['version'])
            for (v, lib), e in sorted(envs.items(), key=lambda kv: (
                LIBRARIES.index(kv[0][1]), [int(x) for x in kv[0][0].split('.')]))))
    return envs
