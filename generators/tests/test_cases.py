"""pj.cases: the lint of case files (in a temporary directory)."""
import pytest

from pjcanon import ERROR_KINDS
from pj.cases import load_case

FEATURES = {'list': 'lists', 'reject': 'rejects'}


def lint(tmp_path, text, name='cat/name'):
    path = tmp_path / (name.replace('/', '_') + '.py')
    path.write_bytes(text.encode('ascii', 'replace'))
    errors = []
    case = load_case(name, str(path), FEATURES, errors)
    return case, errors


GOOD = '"""A list."""\nFEATURES = ["list"]\nobj = [1]\n'
REJECT = '"""Cut."""\nFEATURES = ["reject"]\nEXPECT = "reject"\n%sDATA = b"\\x80\\x04"\n'


def test_a_good_case(tmp_path):
    case, errors = lint(tmp_path, GOOD)
    assert errors == []
    assert case['description'] == 'A list.' and case['load'] == {} and case['extra_reads'] == []


@pytest.mark.parametrize('kind', ERROR_KINDS)
def test_a_reject_names_any_error_kind(tmp_path, kind):
    case, errors = lint(tmp_path, REJECT % ('ERROR = "%s"\n' % kind))
    assert errors == []
    assert case['error'] == kind and case['handwritten'] and case['data'] == b'\x80\x04'


@pytest.mark.parametrize('error', ['', 'ERROR = "crash"\n', 'ERROR = "unknown"\n',
                                   'ERROR = "Truncated"\n'])
def test_a_reject_needs_an_error_kind(tmp_path, error):
    _, errors = lint(tmp_path, REJECT % error)
    assert errors == ['cat/name: reject cases need ERROR, one of: ' + ', '.join(ERROR_KINDS)]


@pytest.mark.parametrize('extra, ok', [
    ('[{"fix_imports": False}]', True),
    ('[{"encoding": "latin1", "errors": "replace"}]', True),
    ('[{"persistent_load": True}]', False),
    ('[{"extensions": {}}]', False),
    ('[{"colour": "red"}]', False),
    ('{"fix_imports": False}', False),
])
def test_extra_reads_hold_only_read_options(tmp_path, extra, ok):
    _, errors = lint(tmp_path, GOOD + 'EXTRA_READS = %s\n' % extra)
    assert (errors == []) == ok, errors


@pytest.mark.parametrize('text, message', [
    ('"""A."""\nFEATURES = ["list"]\nobj = 1 \n', 'trailing whitespace on line 3'),
    ('"""A."""\nFEATURES = ["nope"]\nobj = 1\n', "feature 'nope' is not in generators/features.txt"),
    ('"""A."""\nFEATURES = ["list"]\n', 'sets neither obj nor DATA'),
    ('FEATURES = ["list"]\nobj = 1\n', 'missing description docstring'),
    ('"""A."""\nFEATURES = ["list"]\nobj = 1\n\n', 'source must end with exactly one newline'),
    ('"""A."""\nFEATURES = ["list"]\nCOMPRESS = "zstd"\nobj = 1\n', 'COMPRESS must be one of'),
    ('"""A."""\nFEATURES = ["list"]\nNEEDS = ["pickle5"]\nobj = 1\n', 'NEEDS must be a list of'),
])
def test_lint_errors(tmp_path, text, message):
    _, errors = lint(tmp_path, text)
    assert any(message in e for e in errors), errors
