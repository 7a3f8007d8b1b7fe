"""pjimports (the stand-in reading that records imports and calls) and the `imports`
field's spelling in pj.yaml.  Runs on the host Python 3."""
import glob
import os
import pickle

import pytest

import pjcompress
import pjimports
from conftest import CORPUS
from pj.yaml import YamlError, _parse_event, dump_case, event_flow, parse_case


def record(data, opts=None, impl='py'):
    return pjimports.record(impl, data, opts or {}, None)[0]


@pytest.mark.parametrize('data, events', [
    (b"cos\nsystem\n(S'true'\ntR.", [['find', 'os', 'system'], ['call', 'os', 'system', 'reduce']]),
    (b"\x80\x02c__builtin__\nset\n.", [['find', 'builtins', 'set']]),
    (b"\x80\x03c__builtin__\nset\n.", [['find', '__builtin__', 'set']]),
    (b"(S'x'\nios\nsystem\n.", [['find', 'os', 'system'], ['call', 'os', 'system', 'inst']]),
    (b"\x80\x02cm\nC\n)\x81}b.", [['find', 'm', 'C'], ['call', 'm', 'C', 'newobj'],
                                 ['call', 'm', 'C', 'setstate']]),
    (b"\x80\x02cm\nf\n)R}b.", [['find', 'm', 'f'], ['call', 'm', 'f', 'reduce'],
                              ['call', '?', '?', 'setstate']]),
    (b"\x80\x02]Nb.", []),
    (b"\x80\x02cos\nsystem\nX\x01\x00\x00\x00a\x85R\xff", [['find', 'os', 'system'],
                                                         ['call', 'os', 'system', 'reduce']]),
])
def test_events(data, events):
    for impl in ('c', 'py'):
        assert record(data, impl=impl) == events


def test_fix_imports_off_and_persistent_load():
    assert record(b"\x80\x02c__builtin__\nset\n.", {'fix_imports': False}) == \
        [['find', '__builtin__', 'set']]
    assert record(b"(P1\nK\x02Ql.", {'persistent_load': True}) == \
        [['call', '?', '?', 'persistent_load']] * 2
    # without the option CPython raises at the first persistent id, having called nothing
    assert record(b"(P1\nK\x02Ql.") == []


def test_scan_marks_cached_extensions_and_a_last_line_without_newline():
    ops = pjimports.scan(b"\x80\x02\x82\x07\x82\x07\x83\x07\x00.")
    assert [o[0] for o in ops] == ['PROTO', 'EXT1', 'EXT_CACHED', 'EXT_CACHED', 'STOP']
    assert [o[0] for o in pjimports.scan(b"cbuiltins\nlen")] == ['GLOBAL']


def test_nothing_is_imported():
    import sys
    if 'colorsys' in sys.modules:
        pytest.skip('colorsys is already imported here')
    # colorsys.rgb_to_hls(0, 0, 0), looked up and called, in a real stdlib module
    assert record(b"ccolorsys\nrgb_to_hls\n(I0\nI0\nI0\ntR.") == [
        ['find', 'colorsys', 'rgb_to_hls'], ['call', 'colorsys', 'rgb_to_hls', 'reduce']]
    assert 'colorsys' not in sys.modules


class _Traced(pickle._Unpickler):
    """pickle._Unpickler that knows which opcode it runs (the opcode index)."""
    current = [-1]
    dispatch = {}


for _code, _f in pickle._Unpickler.dispatch.items():
    def _wrap(f):
        def op(self):
            _Traced.current[0] += 1
            f(self)
        return op
    _Traced.dispatch[_code] = _wrap(_f)


def _exact_ops(data, opts):
    """The opcode index of each event of the pure-Python reader, known from its dispatch
    (what pjimports.assign infers from the order of events)."""
    rec = pjimports.Recording()
    seen = []
    for name in ('find', 'made', 'persistent_load'):
        orig = getattr(rec, name)

        def hooked(*a, _orig=orig):
            out = _orig(*a)
            seen.append(_Traced.current[0])
            return out
        setattr(rec, name, hooked)
    orig_setstate_of = rec.setstate_of

    def setstate_of(target):
        f = orig_setstate_of(target)

        def g(state):
            f(state)
            seen.append(_Traced.current[0])
        return g
    rec.setstate_of = setstate_of
    _Traced.current[0] = -1

    class U(_Traced):
        def find_class(self, module, name):
            return rec.find(module, name)
    kw = {k: opts[k] for k in ('encoding', 'errors', 'fix_imports') if k in opts}
    u = U(__import__('io').BytesIO(data), **kw)
    if opts.get('persistent_load'):
        u.persistent_load = rec.persistent_load
    try:
        u.load()
    except Exception:
        pass
    events = rec.events
    pjimports.assign(events, pjimports.scan(data))
    return [e['op'] for e in events], seen


def test_inferred_opcodes_are_the_ones_that_ran():
    """pjimports.assign matches each event to the opcode that made it: checked against the
    traced pure-Python unpickler on every committed variant (plain read, case options)."""
    from pj.yaml import parse_case as parse
    paths = sorted(glob.glob(os.path.join(CORPUS, '*', '*', 'case.yaml')))
    if not paths:
        pytest.skip('no committed corpus')
    checked = 0
    for p in paths:
        with open(p, encoding='utf-8') as f:
            doc = parse(f.read())
        exts = doc['load'].get('extensions') or {}
        for v in doc['variants']:
            with open(os.path.join(os.path.dirname(p), v['file']), 'rb') as f:
                data = f.read()
            if pjcompress.detect(data):
                try:
                    data = pjcompress.decompress(data, 1 << 20)
                except pjcompress.Error:
                    continue
            opts = dict(doc['load'])
            opts.pop('extensions', None)
            import copyreg
            for code, (m, n) in exts.items():
                copyreg.add_extension(m, n, int(code))
            try:
                inferred, exact = _exact_ops(data, opts)
            finally:
                for code, (m, n) in exts.items():
                    copyreg.remove_extension(m, n, int(code))
                copyreg._extension_cache.clear()
            assert inferred == exact, (doc['id'], v['file'])
            checked += 1
    assert checked > 1000


def test_event_spelling_round_trips():
    for ev in (['find', 'os', 'system'], ['call', '?', '?', 'reduce'], ['find', '', 'len'],
               ['find', 'os ', 'a, b"]'], ['call', 'pip._internal.cli.main', 'main', 'newobj_ex'],
               ['find', 'true', 'null'], ['find', '1e5', 'caf\u00e9']):
        assert _parse_event(event_flow(ev)) == ev
    for bad in (['find', 'os'], ['call', 'os', 'system', 'extension'], ['load', 'a', 'b'],
                ['find', 'a\ud800', 'b']):
        with pytest.raises(YamlError):
            event_flow(bad)


def test_a_case_with_imports_round_trips():
    doc = {'id': 'cat/name', 'description': 'A case.', 'features': ['global'],
           'expect': 'accept', 'source': '"""A case."""\nDATA = b""\n', 'load': {},
           'variants': [{'file': 'p0-0123456789ab.pkl', 'protocol': 0, 'written_at': [0],
                         'sha256': '0123456789abcdef' * 4, 'size': 3,
                         'producers': ['handwritten'], 'buffers': [],
                         'results': [{'options': {}, 'readers': ['cpython-3.13'],
                                      'canon': '{"t":"none"}',
                                      'imports': [['find', 'os', 'system'],
                                                  ['call', '?', '?', 'setstate']]}]}]}
    text = dump_case(doc)
    assert '    imports:\n    - [find, os, system]\n    - [call, "?", "?", setstate]\n' in text
    assert parse_case(text) == doc
    assert dump_case(parse_case(text)) == text
    doc['variants'][0]['results'][0]['imports'] = []
    with pytest.raises(YamlError):
        dump_case(doc)


def test_committed_imports_parse_with_pyyaml_alike():
    yaml = pytest.importorskip('yaml')
    for p in sorted(glob.glob(os.path.join(CORPUS, 'evasion', '*', 'case.yaml'))):
        with open(p, encoding='utf-8') as f:
            text = f.read()
        mine = parse_case(text)
        theirs = yaml.safe_load(text)
        for a, b in zip(mine['variants'], theirs['variants']):
            for ra, rb in zip(a['results'], b['results']):
                assert ra.get('imports') == rb.get('imports'), p
