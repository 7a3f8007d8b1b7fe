"""joblib files in the corpus: the joblib-X.Y producers and readers, zlib detection and
decompression (joblib's default compressor), the `cut` that leaves each array's bytes out,
and case.yaml's `container` and `cut`."""
import zlib

import pytest

import pjcompress
from pj import ids, yaml as pjyaml
from pj.cases import load_case
from pj.libraries import LIBRARY_DEPS, install_order
from test_yaml import case_doc, roundtrip_case

PICKLE = b'\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94.'


def test_zlib_is_detected_by_its_header_only():
    z = zlib.compress(PICKLE, 3)
    assert pjcompress.detect(z) == 'zlib'
    assert pjcompress.decompress(z) == PICKLE
    # a 78 byte whose header check fails is not zlib; nor is a pickle
    assert pjcompress.detect(b'x\x9d\x00') is None
    assert pjcompress.detect(PICKLE) is None
    assert pjcompress.detect(b'x') is None


@pytest.mark.parametrize('mangle, kind', [
    (lambda z: z[:-6], 'truncated'),
    (lambda z: z + b'\x00garbage', 'bad-compression'),
    (lambda z: z[:2] + b'\xff' * 8 + z[10:], 'bad-compression'),
])
def test_a_broken_zlib_stream_has_a_kind(mangle, kind):
    z = zlib.compress(PICKLE * 50, 3)
    with pytest.raises(pjcompress.Error) as e:
        pjcompress.decompress(mangle(z))
    assert e.value.kind == kind


def test_a_zlib_bomb_stops_at_the_cap():
    z = zlib.compress(b'\x00' * (4 << 20), 9)
    with pytest.raises(pjcompress.Error) as e:
        pjcompress.decompress(z, cap=1 << 20)
    assert e.value.kind == 'limit-exceeded'


def test_apply_cut_leaves_the_ranges_out():
    assert pjcompress.apply_cut(b'0123456789', [[1, 3], [5, 9]]) == b'0349'
    assert pjcompress.apply_cut(b'abc', []) == b'abc'
    assert pjcompress.apply_cut(b'abc', None) == b'abc'


def test_container_and_cut_round_trip_and_go_together():
    doc = case_doc()
    v = doc['variants'][0]
    v['container'] = 'joblib'
    v['cut'] = [[10, 26], [40, 41]]
    text = roundtrip_case(doc)
    assert '  container: joblib\n  cut: [[10,26],[40,41]]\n  written_at:' in text
    del v['container']
    with pytest.raises(pjyaml.YamlError):
        pjyaml.dump_case(doc)
    v['container'] = 'tar'
    with pytest.raises(pjyaml.YamlError):
        pjyaml.dump_case(doc)
    v['container'] = 'joblib'
    v['cut'] = [[1, 2, 3]]
    with pytest.raises(pjyaml.YamlError):
        pjyaml.dump_case(doc)


def test_joblib_ids_and_install_order():
    assert 'joblib' in ids.LIBRARIES
    assert 'joblib-3.13' in ids.LIBRARY_READERS and 'joblib-2.7' in ids.ALL_PRODUCERS
    assert [ids.joblib_protocol(v) for v in ('2.7', '3.6', '3.7', '3.8', '3.13')] == [2, 3, 3, 4, 4]
    # sklearn pickles need joblib's classes too; joblib's arrays need numpy
    assert install_order(['sklearn']) == ['numpy', 'joblib', 'sklearn']
    assert LIBRARY_DEPS['joblib'] == ['numpy']


def _case_text(needs):
    return ('"""A case."""\nFEATURES = ["numpy-real"]\nNEEDS = %r\n\nobj = None\n' % (needs,))


@pytest.mark.parametrize('needs, ok', [
    (['numpy', 'joblib'], True),
    (['sklearn', 'joblib'], True),
    (['joblib'], False),               # joblib comes beside the library it dumps
    (['numpy', 'pandas', 'joblib'], False),
])
def test_joblib_is_needed_beside_one_library(tmp_path, needs, ok):
    d = tmp_path / 'libraries'
    d.mkdir()
    p = d / 'x.py'
    p.write_text(_case_text(needs))
    errors = []
    load_case('libraries/x', str(p), {'numpy-real': 'real numpy'}, errors)
    assert (not errors) == ok, errors
