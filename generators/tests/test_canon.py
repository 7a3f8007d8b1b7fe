"""pjcanon: the canon of docs/CANON.md, computed on the host Python 3."""
import json

import pytest

import pjcanon
import pjfixtures
from pjcanon import canon_json, float_repr


@pytest.mark.parametrize('x, text', [
    (1.0, '1.0'),
    (0.1, '0.1'),
    (0.001, '0.001'),
    (1e-05, '1e-05'),
    (1.5e-05, '1.5e-05'),
    (123456789012345.0, '123456789012345.0'),
    (1e16, '1e+16'),
    (1.2345678901234568e+17, '1.2345678901234568e+17'),
    (5e-324, '5e-324'),
    (-0.0, '-0.0'),
    (float('inf'), 'inf'),
    (float('-inf'), '-inf'),
    (float('nan'), 'nan'),
    (-float('nan'), 'nan'),   # sign dropped
])
def test_float_repr(x, text):
    assert float_repr(x) == text
    assert canon_json(x, 2) == '{"t":"float","v":"%s"}' % text


def test_set_elements_sorted_by_their_canon_text_as_bytes():
    # "10" < "9" as text: the sort key is the element's canon JSON, not its value.
    assert canon_json({9, 10, 1}, 2) == (
        '{"t":"set","v":[{"t":"int","v":"1"},{"t":"int","v":"10"},{"t":"int","v":"9"}]}')
    # bytes < int < str < tuple by their tags; the same for frozenset.
    assert canon_json(frozenset(['b', 1, b'a', (1,)]), 4) == (
        '{"t":"frozenset","v":[{"t":"bytes","v":"a"},{"t":"int","v":"1"},'
        '{"t":"str","v":"b"},{"t":"tuple","v":[{"t":"int","v":"1"}]}]}')
    # non-ASCII sorts by UTF-8 bytes: U+00E9 (C3 A9) before U+4E2D (E4 B8 AD).
    assert [n['v'] for n in json.loads(canon_json({'\u4e2d', '\u00e9', 'z'}, 3))['v']] == [
        'z', '\u00e9', '\u4e2d']


def test_shared_object_gets_an_anchor_and_later_visits_are_refs():
    a = [1]
    assert canon_json([a, a], 2) == (
        '{"t":"list","v":[{"t":"list","id":1,"v":[{"t":"int","v":"1"}]},{"t":"ref","v":1}]}')


def test_self_reference():
    x = []
    x.append(x)
    assert canon_json(x, 2) == '{"t":"list","id":1,"v":[{"t":"ref","v":1}]}'


def test_empty_tuples_and_scalars_never_take_part_in_identity():
    t = ()
    s = 'shared'
    fs = frozenset([1])
    out = json.loads(canon_json([t, t, s, s, fs, fs], 4))
    assert out['v'][:4] == [{'t': 'tuple', 'v': []}] * 2 + [{'t': 'str', 'v': 'shared'}] * 2
    assert out['v'][4] == {'t': 'frozenset', 'id': 1, 'v': [{'t': 'int', 'v': '1'}]}
    assert out['v'][5] == {'t': 'ref', 'v': 1}


@pytest.mark.parametrize('value, canon', [
    (None, '{"t":"none"}'),
    (True, '{"t":"bool","v":true}'),
    (2 ** 70, '{"t":"int","v":"1180591620717411303424"}'),
    (-3, '{"t":"int","v":"-3"}'),
    ('\u00e9', '{"t":"str","v":"\u00e9"}'),
    ('a\ud800', '{"t":"str","hex":"61eda080"}'),        # surrogates: hex of surrogatepass
    (b'a\n\\', '{"t":"bytes","v":"a\\\\x0a\\\\\\\\"}'),  # the bytes a LF \ -> a\x0a\\
    (bytearray(b'x'), '{"t":"bytearray","v":"x"}'),
    ((), '{"t":"tuple","v":[]}'),
    ({'k': 1}, '{"t":"dict","v":[[{"t":"str","v":"k"},{"t":"int","v":"1"}]]}'),
    (len, '{"t":"global","module":"builtins","name":"len"}'),
])
def test_values(value, canon):
    assert canon_json(value, 3) == canon


@pytest.mark.parametrize('protocol', [0, 2, 4])
def test_plain_instance_is_an_object_with_its_state(protocol):
    assert canon_json(pjfixtures.Plain(x=1), protocol) == (
        '{"t":"object","class":{"t":"global","module":"pjfixtures","name":"Plain"},'
        '"state":{"t":"dict","v":[[{"t":"str","v":"x"},{"t":"int","v":"1"}]]}}')


def test_pickle_protocol():
    assert pjcanon.pickle_protocol(b'\x80\x04K\x01.') == 4
    assert pjcanon.pickle_protocol(b'K\x01.') == 0
    assert pjcanon.pickle_protocol(b'') == 0
