"""pj.discovery: interpreters found from --python, a pyenv directory and PATH.

The interpreters here are shell scripts that answer the probe the way CPython does
("3.9 3.9.18 linux-x86_64"), so no real interpreter is run."""
import os
import subprocess
import sys

import pytest

from conftest import GENERATORS
from pj import discovery

pytestmark = pytest.mark.skipif(sys.platform == 'win32', reason='fake interpreters are sh scripts')


def fake_python(path, answer, exit_code=0):
    """An executable at `path` that prints `answer` (the probe's output) and exits."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('#!/bin/sh\n')
        if answer is not None:
            f.write("echo '%s'\n" % answer)
        f.write('exit %d\n' % exit_code)
    os.chmod(path, 0o755)
    return path


@pytest.fixture
def fake_env(tmp_path, monkeypatch):
    pyenv = tmp_path / 'pyenv'
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    monkeypatch.setenv('PYENV_ROOT', str(pyenv))
    monkeypatch.setenv('PATH', str(bindir))
    return pyenv, bindir


def pyenv_python(pyenv, name):
    return str(pyenv / 'versions' / name / 'bin' / 'python')


def test_newest_pyenv_patch_release_wins(fake_env):
    pyenv, _ = fake_env
    fake_python(pyenv_python(pyenv, '3.9.2'), '3.9 3.9.2 linux-x86_64')
    newest = fake_python(pyenv_python(pyenv, '3.9.18'), '3.9 3.9.18 linux-x86_64')
    fake_python(pyenv_python(pyenv, '3.9.9'), '3.9 3.9.9 linux-x86_64')
    found = discovery.discover({})
    assert found == {'3.9': {'short': '3.9', 'full': '3.9.18', 'platform': 'linux-x86_64',
                             'path': newest}}


def test_candidates_in_order_override_pyenv_path(fake_env, tmp_path):
    pyenv, bindir = fake_env
    a = fake_python(pyenv_python(pyenv, '3.12.1'), '3.12 3.12.1 linux-x86_64')
    b = fake_python(str(bindir / 'python3.12'), '3.12 3.12.0 linux-x86_64')
    over = fake_python(str(tmp_path / 'mine' / 'python'), '3.12 3.12.7 linux-x86_64')
    assert discovery.candidates('3.12', {}) == [a, b]
    assert discovery.candidates('3.12', {'3.12': over}) == [over, a, b]
    assert discovery.discover({'3.12': over})['3.12']['full'] == '3.12.7'
    assert discovery.discover({})['3.12']['path'] == a


def test_a_candidate_that_fails_or_is_another_version_is_passed_over(fake_env):
    pyenv, bindir = fake_env
    fake_python(pyenv_python(pyenv, '3.10.13'), '3.11 3.11.7 linux-x86_64')   # lies
    fake_python(pyenv_python(pyenv, '3.10.12'), None, exit_code=1)           # broken
    on_path = fake_python(str(bindir / 'python3.10'), '3.10 3.10.4 linux-x86_64')
    fake_python(str(bindir / 'python2.7'), 'garbage')                          # unparsable
    found = discovery.discover({})
    assert sorted(found) == ['3.10']
    assert found['3.10']['path'] == on_path
    assert discovery.probe(str(bindir / 'nonexistent')) is None


def test_path_only_and_several_versions(fake_env):
    _, bindir = fake_env
    p27 = fake_python(str(bindir / 'python2.7'), '2.7 2.7.18 linux2-x86_64')
    p313 = fake_python(str(bindir / 'python3.13'), '3.13 3.13.0 linux-x86_64')
    found = discovery.discover({})
    assert {v: i['path'] for v, i in found.items()} == {'2.7': p27, '3.13': p313}
    assert found['2.7']['platform'] == 'linux2-x86_64'
    assert discovery.pythons_flags(found) == '--python 2.7=%s --python 3.13=%s' % (p27, p313)


def test_nothing_found(fake_env):
    assert discovery.discover({}) == {}
    assert discovery.pythons_flags({}) == ''


def test_parse_overrides():
    assert discovery.parse_overrides(['3.8=/x/python', '2.7=/y=z']) == {
        '3.8': '/x/python', '2.7': '/y=z'}


def test_worker_env_pins_the_hash_seed_and_drops_the_callers_python_settings(monkeypatch):
    monkeypatch.setenv('PYTHONPATH', '/elsewhere')
    monkeypatch.setenv('PYTHONHASHSEED', 'random')
    monkeypatch.setenv('VIRTUAL_ENV', '/venv')
    env = discovery.worker_env()
    assert 'PYTHONPATH' not in env and 'VIRTUAL_ENV' not in env
    assert env['PYTHONHASHSEED'] == '0'
    assert env['PYTHONIOENCODING'] == 'utf-8'


def test_make_py_pythons_prints_the_flags(fake_env):
    pyenv, bindir = fake_env
    p39 = fake_python(pyenv_python(pyenv, '3.9.18'), '3.9 3.9.18 linux-x86_64')
    p311 = fake_python(str(bindir / 'python3.11'), '3.11 3.11.7 linux-x86_64')
    out = subprocess.run([sys.executable, os.path.join(GENERATORS, 'make.py'), 'pythons'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                         env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == '--python 3.9=%s --python 3.11=%s\n' % (p39, p311)
    over = subprocess.run([sys.executable, os.path.join(GENERATORS, 'make.py'), 'pythons',
                           '--python', '3.9=%s' % p311], stdout=subprocess.PIPE, timeout=60)
    # an override that is another version is passed over: pyenv's 3.9 stands
    assert over.stdout.decode() == '--python 3.9=%s --python 3.11=%s\n' % (p39, p311)
