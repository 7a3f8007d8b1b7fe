"""Finding the interpreters, and the environment every interpreter runs in.

For each version in ids.VERSIONS the candidates are, in order: --python VERSION=PATH,
$PYENV_ROOT/versions/VERSION.*/bin/python (newest patch release first; ~/.pyenv without
PYENV_ROOT), then pythonVERSION on PATH.  The first candidate that runs and says it is that
version wins.

PyPy (discover_pypy): for each version in ids.PYPY_VERSIONS (key pypyX.Y), --python
pypyX.Y=PATH, $PYENV_ROOT/versions/pypyX.Y-*/bin/python, then pypyX.Y and pypy3 on PATH
(Debian's /usr/bin/pypy3); the first that runs, says it is PyPy and implements X.Y wins.
"""
import glob
import os
import re
import shutil
import subprocess

from .ids import HASH_SEED, PYPY_KEYS, VERSIONS

PROBE = ('import sys, platform; '
         'print("%d.%d %s %s-%s" % (sys.version_info[0], sys.version_info[1], '
         'platform.python_version(), sys.platform, platform.machine()))')


def worker_env():
    """The environment of every interpreter make.py runs: no PYTHON* variables from the
    caller, the hash seed pinned, UTF-8 I/O, no bytecode files."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('PYTHON') and k not in ('VIRTUAL_ENV',)}
    env['PYTHONHASHSEED'] = HASH_SEED
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env['PYTHONIOENCODING'] = 'utf-8'
    env['LC_ALL'] = 'C.UTF-8'
    return env


def probe(path):
    """{'short': '3.9', 'full': '3.9.18', 'platform': 'linux-x86_64'} of the interpreter at
    `path`, or None when it does not run."""
    try:
        out = subprocess.run([path, '-c', PROBE], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=60, env=worker_env()).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.decode('ascii', 'replace').split()
    if len(parts) != 3:
        return None
    return {'short': parts[0], 'full': parts[1], 'platform': parts[2]}


def pyenv_root():
    return os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')


def candidates(version, overrides):
    """The paths tried for `version`, in order."""
    cands = []
    if version in overrides:
        cands.append(overrides[version])
    pats = sorted(glob.glob(os.path.join(pyenv_root(), 'versions', version + '.*', 'bin', 'python')),
                  key=lambda p: [int(x) if x.isdigit() else 0 for x in
                                 re.split(r'[.]', os.path.basename(os.path.dirname(os.path.dirname(p))))])
    cands.extend(reversed(pats))
    w = shutil.which('python' + version)
    if w:
        cands.append(w)
    return cands


PYPY_PROBE = ('import sys, platform; '
              'print("%s %d.%d %s %s-%s" % (platform.python_implementation(), '
              'sys.version_info[0], sys.version_info[1], '
              'platform.python_version(), sys.platform, platform.machine()))')


def probe_pypy(path):
    """probe()'s answer for a PyPy at `path`, or None when it does not run or is not PyPy."""
    try:
        out = subprocess.run([path, '-c', PYPY_PROBE], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=60, env=worker_env()).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.decode('ascii', 'replace').split()
    if len(parts) != 4 or parts[0] != 'PyPy':
        return None
    return {'short': parts[1], 'full': parts[2], 'platform': parts[3]}


def pypy_candidates(key, overrides):
    """The paths tried for the PyPy key `pypy3.9`, in order."""
    cands = []
    if key in overrides:
        cands.append(overrides[key])
    pats = sorted(glob.glob(os.path.join(pyenv_root(), 'versions', key + '-*', 'bin', 'python')))
    cands.extend(reversed(pats))
    for name in (key, 'pypy3'):
        w = shutil.which(name)
        if w and w not in cands:
            cands.append(w)
    return cands


def discover_pypy(overrides):
    """{pypy key: probe info + 'path'} of the PyPys found (each path serves one key)."""
    found = {}
    used = set()
    for key in PYPY_KEYS:
        for c in pypy_candidates(key, overrides):
            if c in used:
                continue
            info = probe_pypy(c)
            if info and 'pypy' + info['short'] == key:
                found[key] = dict(info, path=c)
                used.add(c)
                break
    return found


def discover(overrides):
    """{version: probe info + 'path'} of the interpreters found; overrides: {version: path}."""
    found = {}
    for v in VERSIONS:
        for c in candidates(v, overrides):
            info = probe(c)
            if info and info['short'] == v:
                found[v] = dict(info, path=c)
                break
    return found


def parse_overrides(specs):
    """--python VERSION=PATH flags -> {version: path}."""
    overrides = {}
    for spec in specs:
        v, _, p = spec.partition('=')
        overrides[v] = p
    return overrides


def pythons_flags(found):
    """What `make.py pythons` prints: --python VERSION=PATH for each interpreter found."""
    return ' '.join('--python %s=%s' % (v, found[v]['path']) for v in VERSIONS if v in found)
