"""Writes crates/codec/tests/data/cpython/: small pickles made by the local CPython
interpreters, each with the canon that interpreter computes for what it loads back.

    python3 tools/make_codec_testdata.py /path/to/python2.7 /path/to/python3.13 ...

Each interpreter runs this same file with --child; the canon comes from
generators/pjcanon.py. The codec's tests/cpython.rs compares against it.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, 'crates', 'codec', 'tests', 'data', 'cpython')

OBJECTS = '''
import collections, datetime, decimal
class Point(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y
shared = [1, 2]
rec = []
rec.append(rec)
tup_l = []
tup = (tup_l,)
tup_l.append(tup)
objects = {
    'scalars': [None, True, False, 0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**100, 1.5, -0.0, float('inf'), 1e16],
    'text': [u'', u'abc', u'caf\\xe9', u'\\u20ac', u'\\U0001f600', u'a\\nb\\\\c\\x00'],
    'containers': [[], [1], (1, 2), (1, 2, 3, 4), {u'a': 1, u'b': [2]}, set([1, 2, 3]), frozenset([4])],
    'shared': [shared, shared, (shared,)],
    'recursive_list': rec,
    'recursive_tuple': tup,
    'instance': Point(1, u'two'),
    'stdlib': [datetime.date(2020, 1, 2), decimal.Decimal('1.25'), collections.OrderedDict([(u'z', 1), (u'a', 2)])],
    'big_list': list(range(1500)),
}
'''


def child(out_dir):
    sys.path.insert(0, os.path.join(ROOT, 'generators'))
    import pickle
    import pjcanon
    ns = {'__name__': 'pjtest'}
    exec(OBJECTS, ns)
    import types
    mod = types.ModuleType('pjtest')
    mod.__dict__.update(ns)
    sys.modules['pjtest'] = mod
    ns['Point'].__module__ = 'pjtest'
    tag = '%d.%d' % sys.version_info[:2]
    for name, obj in sorted(ns['objects'].items()):
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            data = pickle.dumps(obj, proto)
            loaded = pickle.loads(data)
            declared = bytearray(data)[1] if bytearray(data)[0] == 0x80 else 0
            canon = pjcanon.canon_json(loaded, declared)
            if not isinstance(canon, str):
                canon = canon.encode('utf-8')
            base = os.path.join(out_dir, '%s-py%s-p%d' % (name, tag, proto))
            with open(base + '.pkl', 'wb') as f:
                f.write(data)
            with open(base + '.canon.json', 'w') as f:
                f.write(canon + '\n')


if __name__ == '__main__':
    if sys.argv[1] == '--child':
        child(sys.argv[2])
    else:
        if not os.path.isdir(OUT):
            os.makedirs(OUT)
        for py in sys.argv[1:]:
            subprocess.check_call([py, os.path.abspath(__file__), '--child', OUT],
                                  env=dict(os.environ, PYTHONHASHSEED='0'))
