"""`make.py new CATEGORY/NAME`: the scaffolded case file, in a temporary directory."""
import importlib.util
import os

import pytest

from conftest import GENERATORS
from pj import new as pjnew
from pj.cases import load_all_cases, load_case, read_features


def load_make():
    spec = importlib.util.spec_from_file_location('make_under_test',
                                                  os.path.join(GENERATORS, 'make.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_new_writes_the_template_and_it_lints_clean(tmp_path, capsys):
    path = pjnew.cmd_new('containers/my_case', cases_dir=str(tmp_path))
    assert path == str(tmp_path / 'containers' / 'my_case.py')
    with open(path, 'rb') as f:
        raw = f.read()
    text = raw.decode('ascii')
    assert text == pjnew.TEMPLATE.format(title='containers/my_case')
    assert text.startswith('"""containers/my_case: one line that says what this case pins down.')
    assert b'\r' not in raw and b'\t' not in raw
    assert text.endswith('\n') and not text.endswith('\n\n')
    assert 'created' in capsys.readouterr().out

    errors = []
    case = load_case('containers/my_case', path, {'list': 'lists'}, errors)
    assert errors == []
    assert case['features'] == ['list']
    assert case['description'] == ('containers/my_case: one line that says what this case '
                                   'pins down.')
    assert case['expect'] == 'accept' and not case['handwritten']
    assert case['protocols'] == [0, 1, 2, 3, 4, 5] and case['pythons'] is None
    assert case['source'] == text
    ns = {'__name__': 'pjcase'}
    exec(compile(text, path, 'exec'), ns)   # runs (and imports pjfixtures)
    assert ns['obj'] == [1, 2, 3]


def test_scaffolded_case_passes_the_whole_lint(tmp_path):
    pjnew.cmd_new('containers/my_case', cases_dir=str(tmp_path / 'cases'))
    feats = tmp_path / 'features.txt'
    feats.write_text('# registry\nlist: lists\n')
    cases, features, errors = load_all_cases(str(tmp_path / 'cases'), str(feats))
    assert errors == []
    assert [c['id'] for c in cases] == ['containers/my_case']
    assert features == {'list': 'lists'}


def test_new_refuses_an_existing_case(tmp_path):
    pjnew.cmd_new('a/b', cases_dir=str(tmp_path))
    with open(tmp_path / 'a' / 'b.py', 'a') as f:
        f.write('# edited\n')
    with pytest.raises(SystemExit, match='exists'):
        pjnew.cmd_new('a/b', cases_dir=str(tmp_path))
    assert (tmp_path / 'a' / 'b.py').read_text().endswith('# edited\n')


@pytest.mark.parametrize('name', ['containers', 'Containers/x', 'a/b/c', 'a/1b', 'a/b-c',
                                  '../x/y', 'a/', '/b'])
def test_new_refuses_bad_names(tmp_path, name):
    with pytest.raises(SystemExit, match='CATEGORY/NAME'):
        pjnew.cmd_new(name, cases_dir=str(tmp_path))
    assert os.listdir(tmp_path) == []


def test_make_py_new_command(tmp_path, monkeypatch, capsys):
    make = load_make()
    monkeypatch.setattr(pjnew, 'CASES_DIR', str(tmp_path))
    assert make.main(['new', 'strings/my_str']) == 0
    assert (tmp_path / 'strings' / 'my_str.py').exists()
    assert 'make.py --only strings/my_str' in capsys.readouterr().out
    with pytest.raises(SystemExit, match='usage'):
        make.main(['new'])


def test_the_committed_cases_lint_clean():
    cases, features, errors = load_all_cases()
    assert errors == []
    assert len(cases) > 100
    assert set(read_features()) == set(features)
