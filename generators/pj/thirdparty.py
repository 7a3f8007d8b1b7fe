"""The third-party producers (dill, cloudpickle; make.py --with): one environment per
interpreter and package, ignored by git.

Python 3: a venv in generators/.venvs/<version>/ with the package installed from the pinned
generators/requirements-<package>.txt; Python 2.7 (no venv module): pip install --target
generators/.venvs/2.7/<package>/, put on the producer's sys.path only.  A stamp file (the
requirements file's SHA-256) says an environment is current.
"""
import hashlib
import json
import os
import subprocess

from . import GENERATORS, ROOT, VENVS_DIR, log
from .discovery import worker_env
from .ids import THIRD_PARTY, VERSIONS, third_party_producer, vkey

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
    return os.path.join(GENERATORS, 'requirements-%s.txt' % pkg)


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
