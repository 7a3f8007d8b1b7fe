"""picklejar adapter (protocol 2, worker, raw output) for Jython 2.7.3's cPickle (Java).

Jython runs Python 2.7, which kits/python/picklejar_kit.py (Python 3.6+) does not: this file
speaks the worker protocol itself and writes the loose canon the runner reads (an anchor on
every container, sets unsorted, floats as repr). Globals are inert stand-ins (cPickle's
find_global), as in examples/adapters/dataonly: calling one (REDUCE, INST/OBJ with arguments)
is a reduction, INST/OBJ without arguments and NEWOBJ an object; BUILD and APPEND(S) on them
are recorded."""
import base64
import copy_reg
import json
import sys
import types
from cStringIO import StringIO

import cPickle


class Rec:  # old-style, as cPickle's INST/OBJ need: a stand-in global, or a value made from one
    def __init__(self, *args):  # G(*args): REDUCE, or INST/OBJ with arguments
        self._pj = ('reduce', self.__class__, list(args))

    def __new__(cls, *args):  # NEWOBJ: cls.__new__(cls, *args)
        return _make('object', cls, args)
    __new__ = staticmethod(__new__)

    def __call__(self, *args):
        return _make('reduce', self, args)

    def __setstate__(self, state):
        self._pj_state = state

    def append(self, x):
        self.__dict__.setdefault('_pj_items', []).append(x)

    def extend(self, xs):
        for x in xs:
            self.append(x)


def _make(kind, callable_, args):
    r = types.InstanceType(Rec)
    r._pj = (kind, callable_, list(args))
    return r


_globals = {}


def find_global(module, name):
    if not module:  # what Jython's own find_class does: __import__('')
        raise ValueError('Empty module name')
    key = (module, name)
    if key not in _globals:
        _globals[key] = types.ClassType('Global', (Rec,), {'_pj_global': key})
    return _globals[key]


class PersId(object):
    def __init__(self, pid):
        self.pid = pid


def esc_bytes(b):  # docs/CANON.md section 5
    out = []
    for ch in b:
        c = ord(ch)
        out.append('\\\\' if c == 0x5c else ch if 0x20 <= c < 0x7f else '\\x%02x' % c)
    return ''.join(out)


def text(u):  # section 4: lone surrogates -> hex of the surrogatepass UTF-8
    cps, i = [], 0
    while i < len(u):
        c = ord(u[i])
        if 0xd800 <= c < 0xdc00 and i + 1 < len(u) and 0xdc00 <= ord(u[i + 1]) < 0xe000:
            c = 0x10000 + ((c - 0xd800) << 10) + (ord(u[i + 1]) - 0xdc00)
            i += 1
        cps.append(c)
        i += 1
    if not [c for c in cps if 0xd800 <= c < 0xe000]:
        return {'t': 'str', 'v': u}
    h = []
    for c in cps:
        if c < 0x80:
            bs = [c]
        elif c < 0x800:
            bs = [0xc0 | c >> 6, 0x80 | c & 63]
        elif c < 0x10000:
            bs = [0xe0 | c >> 12, 0x80 | c >> 6 & 63, 0x80 | c & 63]
        else:
            bs = [0xf0 | c >> 18, 0x80 | c >> 12 & 63, 0x80 | c >> 6 & 63, 0x80 | c & 63]
        h.extend('%02x' % b for b in bs)
    return {'t': 'str', 'hex': ''.join(h)}


TAGS = ((list, 'list'), (tuple, 'tuple'), (dict, 'dict'), (set, 'set'), (frozenset, 'frozenset'),
        (bytearray, 'bytearray'))


class Writer(object):  # the value as loose canon: an id on every container at its first visit
    def __init__(self):
        self.ids = {}
        self.keep = []  # keeps visited objects alive, so that their id() stays theirs

    def node(self, x):
        if x is None or x is True or x is False:
            return {'t': 'none'} if x is None else {'t': 'bool', 'v': x}
        if isinstance(x, (int, long)):
            return {'t': 'int', 'v': str(x)}
        if isinstance(x, float):
            return {'t': 'float', 'v': repr(x)}
        if isinstance(x, str):
            return {'t': 'bytes', 'v': esc_bytes(x)}
        if isinstance(x, unicode):
            return text(x)
        if isinstance(x, types.ClassType) and hasattr(x, '_pj_global'):
            return {'t': 'global', 'module': x._pj_global[0], 'name': x._pj_global[1]}
        if id(x) in self.ids:
            return {'t': 'ref', 'v': self.ids[id(x)]}
        if isinstance(x, PersId):
            return {'t': 'persid', 'v': self.node(x.pid)}
        n = {}
        if not (isinstance(x, (tuple, frozenset)) and not x):
            self.keep.append(x)
            n['id'] = self.ids[id(x)] = len(self.ids) + 1
        if isinstance(x, Rec):
            kind, cls, args = getattr(x, '_pj', ('object', x.__class__, []))
            n['t'] = kind
            n['callable' if kind == 'reduce' else 'class'] = self.node(cls)
            n['args'] = [self.node(a) for a in args]
            if getattr(x, '_pj_state', None) is not None:
                n['state'] = self.node(x._pj_state)
            n['items'] = [self.node(e) for e in getattr(x, '_pj_items', [])]
            return n
        for c, t in TAGS:
            if isinstance(x, c):
                n['t'] = t
                break
        else:
            raise TypeError('no canon for %s' % type(x).__name__)
        if isinstance(x, bytearray):
            n['v'] = esc_bytes(str(x))
        elif isinstance(x, dict):
            n['v'] = [[self.node(k), self.node(v)] for k, v in x.items()]
        else:
            n['v'] = [self.node(e) for e in x]
        return n


REJECT = (cPickle.UnpicklingError, cPickle.BadPickleGet, EOFError, ValueError, KeyError, IndexError,
          TypeError, AttributeError, OverflowError, MemoryError)


def why():  # the exception being handled, as "Type: message"
    t, e = sys.exc_info()[:2]
    try:
        msg = unicode(e)
    except:
        msg = repr(e)
    return u'%s: %s' % (getattr(t, '__name__', t), msg)


def answer(req):
    exts = req.get('options', {}).get('extensions', {})
    for code, (module, name) in exts.items():
        copy_reg.add_extension(module, name, int(code))
    try:
        u = cPickle.Unpickler(StringIO(base64.b64decode(req['data'])))
        u.find_global = find_global
        u.persistent_load = PersId
        try:
            value = u.load()
        except REJECT, e:  # the Python exceptions cPickle raises for bad input
            return {'error': 'rejected', 'message': why()}
        except:  # any other exception, a Java exception (ClassCastException, ...) too
            return {'crash': why()}
    finally:
        for code, (module, name) in exts.items():
            copy_reg.remove_extension(module, name, int(code))
    try:
        return {'value': Writer().node(value)}
    except:
        return {'adapter_error': 'cannot write canon: ' + why()}


def main():
    sys.setrecursionlimit(200000)
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        try:
            reply = answer(json.loads(line))
        except:
            reply = {'adapter_error': why()}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


main()
