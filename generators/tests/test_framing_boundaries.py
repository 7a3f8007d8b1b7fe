"""The frame-boundary cases (generators/cases/framing/boundary_*.py) pin what their
docstrings say: the first frame holds exactly 64 KiB, and CPython's frame check at the
save() where it got there decides the bytes.  Runs on the host Python 3 (3.8+)."""
import glob
import io
import os
import pickle
import struct
import sys

import pytest

from conftest import CORPUS, GENERATORS
from pj.yaml import parse_case

import pjfixtures

CASES = sorted(glob.glob(os.path.join(GENERATORS, 'cases', 'framing', 'boundary_*.py')))
# A payload of 64 KiB or more commits the frame itself (CPython's _Pickler_write_bytes):
# the check at the start of its save() changes nothing there.
NOT_PINNED = {'boundary_large_payloads'}

needs38 = pytest.mark.skipif(sys.version_info < (3, 8), reason='protocol 5 needs 3.8+')


def case_name(path):
    return os.path.splitext(os.path.basename(path))[0]


def run_case(path):
    ns = {'__name__': 'pjcase', '__file__': path}
    with open(path, 'rb') as f:
        exec(compile(f.read(), path, 'exec'), ns)
    return ns


def dumps_kw(path):
    return {'buffer_callback': lambda b: False} if path.endswith('_oob.py') else {}


def test_there_are_boundary_cases():
    assert len(CASES) >= 12


@pytest.mark.parametrize('path', CASES, ids=case_name)
def test_committed_variants_start_with_a_64k_frame(path):
    d = os.path.join(CORPUS, 'framing', case_name(path))
    if not os.path.isdir(d):
        pytest.skip('no committed %s' % d)
    with open(os.path.join(d, 'case.yaml'), encoding='utf-8') as f:
        doc = parse_case(f.read())
    assert doc['variants']
    for v in doc['variants']:
        with open(os.path.join(d, v['file']), 'rb') as f:
            data = f.read()
        assert data[2:3] == pickle.FRAME, v['file']
        assert struct.unpack('<Q', data[3:11])[0] == pjfixtures.FRAME_SIZE_TARGET, v['file']


class _SkipOneCheck(pickle._Pickler):
    """pickle._Pickler that leaves out the frame check at the start of the first save()
    that finds the frame full (a pickler with the bug these cases are for)."""
    skipped = False

    def save(self, obj, save_persistent_id=True):
        f = self.framer
        if not self.skipped and f.current_frame is not None and \
                f.current_frame.tell() >= f._FRAME_SIZE_TARGET:
            self.skipped = True
            commit = f.commit_frame

            def once(force=False):
                f.commit_frame = commit
            f.commit_frame = once
        return pickle._Pickler.save(self, obj, save_persistent_id)


@needs38
@pytest.mark.parametrize('path', CASES, ids=case_name)
def test_the_check_at_the_boundary_decides_the_bytes(path):
    obj = run_case(path)['obj']
    proto = 5 if 'pickle_buffer' in path else 4
    kw = dumps_kw(path)
    good = pickle.dumps(obj, proto, **kw)
    assert pickle._dumps(obj, proto, **kw) == good
    buf = io.BytesIO()
    p = _SkipOneCheck(buf, proto, **kw)
    p.dump(obj)
    assert p.skipped
    if case_name(path) in NOT_PINNED:
        assert buf.getvalue() == good
    else:
        assert buf.getvalue() != good
