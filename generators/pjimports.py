# -*- coding: utf-8 -*-
"""pjimports: what a CPython unpickler would import and call while loading a pickle,
recorded without importing or running anything (docs/CORPUS.md section 3, `imports`).

Runs unchanged on CPython 2.7 and 3.6+, inside every reader (pjrun.py).

    record(impl, data, opts, buffers) -> (events, finds)

loads `data` with the reader's own unpickler (impl 'c': `_pickle.Unpickler`, cPickle on
2.7; 'py': `pickle._Unpickler`, pickle.Unpickler on 2.7) whose `find_class` (cPickle:
`find_global`) records the lookup and returns an inert stand-in instead of importing.
Every stand-in is a class whose calls, `__new__`, `__setstate__`, `append`/`extend`/`add`
and item assignment record the event (or do nothing) and return another inert stand-in, so
the unpickler runs the whole stream as CPython would if every import succeeded and every
call returned an object that accepts anything.  Nothing is imported, nothing the stream
names is called; the events are spelled afterwards:

    [find, MODULE, NAME]        find_class(MODULE, NAME): GLOBAL, STACK_GLOBAL, INST, and the
                                first EXT1/EXT2/EXT4 of each code; the names CPython looks
                                up (Python 3: after the fix_imports mapping)
    [call, MODULE, NAME, VIA]   a call; VIA: reduce, newobj, newobj_ex, inst, obj, setstate,
                                persistent_load; MODULE NAME the callable when it is the
                                result of a find, else "?" "?" (see docs/CORPUS.md)

and a reading that raises keeps the events before the error.

The unpickler's hooks do not say which opcode called them, so each event is matched to its
opcode afterwards (`assign`): events come in stream order, and every opcode that can make
one (GLOBAL, STACK_GLOBAL, INST, EXT*, REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, PERSID, BINPERSID)
makes it whenever it runs without an error, except BUILD (only on a stand-in) and an EXT
whose code is in copyreg's cache; so the first opcode of the right sort after the previous
event's is the one.  The opcode gives VIA, and the protocol in force there (the last PROTO
before it) decides whether fix_imports applied.

The safety gate (`unsafe`, `load_blocked`): a reader loads a pickle for real only when
every global its stand-in reading finds is in generators/safe_globals.txt; otherwise every
global of the real reading is refused (ImportError, kind `unresolved`), so that nothing an
evasion case names is ever imported or run, by make.py or by the runner's CPython codec.
"""
import gc
import io
import json
import os
import sys

PY2 = sys.version_info[0] == 2
HERE = os.path.dirname(os.path.abspath(__file__))

if PY2:
    import cPickle
    import pickle as pypickle
    from cStringIO import StringIO as CBytesIO
    _compat_pickle = None
    text_type = unicode  # noqa: F821
    string_types = (str, unicode)  # noqa: F821
else:
    import pickle as pypickle
    import _compat_pickle
    cPickle = None
    CBytesIO = io.BytesIO
    text_type = str
    string_types = (str,)


# ---------------------------------------------------------------------------
# The opcodes, as far as their lengths go

def _table():
    t = {}
    for ch, name in ((b'(', 'MARK'), (b'.', 'STOP'), (b'0', 'POP'), (b'1', 'POP_MARK'),
                     (b'2', 'DUP'), (b'N', 'NONE'), (b'\x88', 'NEWTRUE'),
                     (b'\x89', 'NEWFALSE'), (b']', 'EMPTY_LIST'), (b'a', 'APPEND'),
                     (b'e', 'APPENDS'), (b'l', 'LIST'), (b')', 'EMPTY_TUPLE'),
                     (b't', 'TUPLE'), (b'\x85', 'TUPLE1'), (b'\x86', 'TUPLE2'),
                     (b'\x87', 'TUPLE3'), (b'}', 'EMPTY_DICT'), (b'd', 'DICT'),
                     (b's', 'SETITEM'), (b'u', 'SETITEMS'), (b'\x8f', 'EMPTY_SET'),
                     (b'\x90', 'ADDITEMS'), (b'\x91', 'FROZENSET'), (b'Q', 'BINPERSID'),
                     (b'R', 'REDUCE'), (b'b', 'BUILD'), (b'o', 'OBJ'), (b'\x81', 'NEWOBJ'),
                     (b'\x92', 'NEWOBJ_EX'), (b'\x93', 'STACK_GLOBAL'), (b'\x94', 'MEMOIZE'),
                     (b'\x97', 'NEXT_BUFFER'), (b'\x98', 'READONLY_BUFFER')):
        t[bytearray(ch)[0]] = (name, 'none', 0)
    for ch, name in ((b'I', 'INT'), (b'L', 'LONG'), (b'F', 'FLOAT'), (b'S', 'STRING'),
                     (b'V', 'UNICODE'), (b'P', 'PERSID'), (b'g', 'GET'), (b'p', 'PUT')):
        t[bytearray(ch)[0]] = (name, 'lines', 1)
    for ch, name in ((b'c', 'GLOBAL'), (b'i', 'INST')):
        t[bytearray(ch)[0]] = (name, 'lines', 2)
    for ch, name, n in ((b'J', 'BININT', 4), (b'K', 'BININT1', 1), (b'M', 'BININT2', 2),
                        (b'G', 'BINFLOAT', 8), (b'h', 'BINGET', 1), (b'j', 'LONG_BINGET', 4),
                        (b'q', 'BINPUT', 1), (b'r', 'LONG_BINPUT', 4), (b'\x82', 'EXT1', 1),
                        (b'\x83', 'EXT2', 2), (b'\x84', 'EXT4', 4), (b'\x80', 'PROTO', 1),
                        (b'\x95', 'FRAME', 8)):
        t[bytearray(ch)[0]] = (name, 'fixed', n)
    for ch, name, n in ((b'\x8a', 'LONG1', 1), (b'\x8b', 'LONG4', -4), (b'T', 'BINSTRING', -4),
                        (b'U', 'SHORT_BINSTRING', 1), (b'X', 'BINUNICODE', 4),
                        (b'\x8c', 'SHORT_BINUNICODE', 1), (b'\x8d', 'BINUNICODE8', 8),
                        (b'B', 'BINBYTES', 4), (b'C', 'SHORT_BINBYTES', 1),
                        (b'\x8e', 'BINBYTES8', 8), (b'\x96', 'BYTEARRAY8', 8)):
        t[bytearray(ch)[0]] = (name, 'counted', n)
    return t


_OPS = _table()


def _le(b, signed=False):
    n = 0
    for i, x in enumerate(b):
        n |= x << (8 * i)
    if signed and b and b[-1] & 0x80:
        n -= 1 << (8 * len(b))
    return n


def scan(data):
    """[(opcode name, argument)] of the opcodes from the start of `data` to its STOP (or as
    far as they can be told apart).  The argument is the int of PROTO and EXT*, else None.
    An EXT whose code an earlier EXT had is 'EXT_CACHED': CPython takes it from copyreg's
    extension cache without a find_class."""
    b = bytearray(data)
    out = []
    seen = set()
    i = 0
    while i < len(b):
        ent = _OPS.get(b[i])
        if ent is None:
            break
        name, kind, n = ent
        i += 1
        arg = None
        if kind == 'lines':
            for _ in range(n):
                j = b.find(b'\n', i)
                # a last line without its newline: pickle.py's readline returns it
                i = j + 1 if j >= 0 else len(b)
        elif kind == 'fixed':
            if i + n > len(b):
                return out
            if name in ('PROTO', 'EXT1', 'EXT2', 'EXT4'):
                arg = _le(b[i:i + n], signed=(name == 'EXT4'))
            i += n
        elif kind == 'counted':
            w = abs(n)
            if i + w > len(b):
                return out
            size = _le(b[i:i + w], signed=n < 0)
            if size < 0:
                return out
            i += w + size
        if name.startswith('EXT'):
            if arg in seen:
                name = 'EXT_CACHED'
            seen.add(arg)
        out.append((name, arg))
        if name == 'STOP':
            break
    return out


# ---------------------------------------------------------------------------
# Stand-ins

_NOTHING = object()


class _StandInMeta(type):
    """The metaclass of every stand-in: a stand-in is a class (so that NEWOBJ takes one),
    and what the unpickler does to it is done here."""

    def __call__(cls, *args, **kwargs):          # REDUCE, INST/OBJ (with arguments)
        return cls._pj_rec.made('call', cls)

    def append(cls, item):                       # APPEND(S) onto a stand-in
        return None

    def extend(cls, items):
        for _ in items:
            pass

    def add(cls, item):                          # ADDITEMS
        return None

    def __setitem__(cls, key, value):            # SETITEM(S)
        return None

    # BUILD looks __setstate__ up on the object: a data descriptor of the metaclass is
    # found first, whatever the state set before.
    __setstate__ = property(lambda cls: cls._pj_rec.setstate_of(cls))


def _new(klass, *args, **kwargs):                # NEWOBJ, NEWOBJ_EX, INST/OBJ (no arguments)
    return klass._pj_rec.made('new', klass)


_StandIn = _StandInMeta(str('StandIn'), (object,), {'__new__': staticmethod(_new),
                                                    '_pj_rec': None})


def is_stand_in(x):
    return isinstance(x, _StandInMeta)


def _attr(cls, name):
    return cls.__dict__.get(name)


def _setstate_name(state):
    """The `__setstate__` a default BUILD with this state would set on the object
    (the value of a '__setstate__' key of the dict state or of the slot state), or
    _NOTHING."""
    parts = [state]
    if type(state) is tuple and len(state) == 2:
        parts = [state[0], state[1]]
    found = _NOTHING
    for p in parts:
        if type(p) is dict:
            for k, v in p.items():
                if isinstance(k, string_types) and k == '__setstate__':
                    found = v
    return found


class Recording(object):
    """The raw events of one reading: dicts with 'k' ('find' or 'call'); a find has 'm',
    'n' (the names find_class was given); a call has 'hook' ('call', 'new', 'setstate',
    'pl'), 'callee' (what was called: a stand-in, or anything a BUILD found as
    __setstate__) or 'target' (the stand-in a BUILD gave the state to)."""

    def __init__(self):
        self.events = []

    def stand_in(self, find=None, made=None):
        return _StandInMeta(str('StandIn'), (_StandIn,), {
            '_pj_rec': self, '_pj_find': find, '_pj_made': made, '_pj_setstate': _NOTHING})

    def find(self, module, name):
        self.events.append({'k': 'find', 'm': module, 'n': name})
        return self.stand_in(find=len(self.events) - 1)

    def made(self, hook, callee):
        self.events.append({'k': 'call', 'hook': hook, 'callee': callee})
        return self.stand_in(made=len(self.events) - 1)

    def setstate_of(self, target):
        over = _attr(target, '_pj_setstate')
        rec = self

        def setstate(state):
            if over is not _NOTHING:
                # a __setstate__ an earlier BUILD put on the object: it is what is called
                rec.events.append({'k': 'call', 'hook': 'setstate', 'callee': over})
                if not is_stand_in(over):
                    raise TypeError("'%s' object is not callable" % type(over).__name__)
                return None
            rec.events.append({'k': 'call', 'hook': 'setstate', 'target': target})
            # what a default BUILD (no __setstate__) would leave on the object
            found = _setstate_name(state)
            if found is not _NOTHING:
                type.__setattr__(target, '_pj_setstate', found)
            return None
        return setstate

    def persistent_load(self, pid):
        import pjcanon
        self.events.append({'k': 'call', 'hook': 'pl', 'callee': None})
        return pjcanon.persistent_load(pid)


# ---------------------------------------------------------------------------
# The reading

def _load_kwargs(opts, buffers):
    kw = {}
    for k in ('encoding', 'errors', 'fix_imports'):
        if k in opts:
            kw[k] = opts[k]
    if buffers is not None and pypickle.HIGHEST_PROTOCOL >= 5:
        kw['buffers'] = buffers
    return kw


def _unpickler(impl, data, opts, buffers, find, pl):
    """An unpickler of `impl` reading `data`, whose find_class is `find` and whose
    persistent_load is `pl` (None: none, as without the option)."""
    if PY2:
        if impl == 'c':
            u = cPickle.Unpickler(CBytesIO(data))
            u.find_global = find
        else:
            class U2(pypickle.Unpickler):
                def find_class(self, module, name):
                    return find(module, name)
            u = U2(io.BytesIO(data))
        if pl is not None:
            u.persistent_load = pl
        return u
    base = pypickle.Unpickler if impl == 'c' else pypickle._Unpickler

    class U(base):
        def find_class(self, module, name):
            return find(module, name)
    u = U(io.BytesIO(data), **_load_kwargs(opts, buffers))
    if pl is not None:
        u.persistent_load = pl
    return u


class RecordError(Exception):
    """An event that matches no opcode: a bug here, reported by make.py."""


_FIND_OPS = ('GLOBAL', 'STACK_GLOBAL', 'INST', 'EXT1', 'EXT2', 'EXT4')
_HOOK_OPS = {'call': ('REDUCE', 'INST', 'OBJ'),
             'new': ('NEWOBJ', 'NEWOBJ_EX', 'INST', 'OBJ'),
             'setstate': ('BUILD',),
             'pl': ('PERSID', 'BINPERSID')}
VIA = {'REDUCE': 'reduce', 'NEWOBJ': 'newobj', 'NEWOBJ_EX': 'newobj_ex', 'INST': 'inst',
       'OBJ': 'obj', 'BUILD': 'setstate', 'PERSID': 'persistent_load',
       'BINPERSID': 'persistent_load'}
# A call through one of these instantiates the class it names: a BUILD on the result
# calls that class's __setstate__.
INSTANTIATING = ('newobj', 'newobj_ex', 'inst', 'obj')


def assign(events, ops):
    """Sets each event's 'op' (its index in `ops`, scan's list); see the module docstring."""
    ptr = -1
    last = None
    for e in events:
        if e['k'] == 'find':
            start, cands = ptr + 1, _FIND_OPS
        else:
            same = last is not None and last['k'] == 'find' and ops[ptr][0] == 'INST'
            start, cands = (ptr if same else ptr + 1), _HOOK_OPS[e['hook']]
        j = start
        while j < len(ops) and ops[j][0] not in cands:
            j += 1
        if j >= len(ops):
            raise RecordError('event %r matches no opcode after #%d of %r' % (
                {k: v for k, v in e.items() if k in ('k', 'hook', 'm', 'n')}, ptr,
                [o[0] for o in ops]))
        e['op'] = j
        ptr = j
        last = e


def name_text(s):
    """A name as text: Python 2.7 readers' names are bytes (UTF-8, else Latin-1)."""
    if isinstance(s, text_type):
        return s
    try:
        return s.decode('utf-8')
    except UnicodeDecodeError:
        return s.decode('latin-1')


def fix_import(module, name):
    """CPython 3's find_class mapping with fix_imports (this interpreter's tables)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    if module in _compat_pickle.IMPORT_MAPPING:
        return _compat_pickle.IMPORT_MAPPING[module], name
    return module, name


def spell(events, ops, opts):
    """The events as docs/CORPUS.md spells them: [find, M, N] and [call, M, N, VIA]."""
    assign(events, ops)
    protos = []
    p = 0
    for name, arg in ops:
        if name == 'PROTO':
            p = arg
        protos.append(p)
    fix = not PY2 and opts.get('fix_imports', True)
    for e in events:
        if e['k'] == 'find':
            m, n = e['m'], e['n']
            if fix and protos[e['op']] < 3:
                m, n = fix_import(m, n)
            e['names'] = (name_text(m), name_text(n))
        else:
            e['via'] = VIA[ops[e['op']][0]]

    def found(x):
        i = _attr(x, '_pj_find') if is_stand_in(x) else None
        return events[i]['names'] if i is not None else ('?', '?')

    out = []
    for e in events:
        if e['k'] == 'find':
            out.append(['find', e['names'][0], e['names'][1]])
            continue
        if 'target' in e:
            made = _attr(e['target'], '_pj_made')
            names = ('?', '?')
            if made is not None and events[made]['via'] in INSTANTIATING:
                names = found(events[made]['callee'])
        else:
            names = found(e['callee'])
        out.append(['call', names[0], names[1], e['via']])
    return out


def record(impl, data, opts, buffers):
    """The events of reading `data` (a pickle, decompressed) with `impl` and the options
    (extensions must be registered by the caller, and copyreg's extension cache clear):
    (events as spelled, [(module, name)] of its finds)."""
    rec = Recording()
    pl = rec.persistent_load if opts.get('persistent_load') else None
    u = None
    try:
        u = _unpickler(impl, data, opts, buffers, rec.find, pl)
        u.load()
    except Exception:
        pass
    del u
    if buffers is not None:
        # PickleBuffers of `buffers` may sit in cycles of stand-ins: collect them while the
        # bytearrays they export are alive.
        gc.collect()
    events = spell(rec.events, scan(data), opts)
    return events, [(e[1], e[2]) for e in events if e[0] == 'find']


# ---------------------------------------------------------------------------
# The safety gate

SAFE_FILE = os.path.join(HERE, 'safe_globals.txt')
_SAFE = []


def safe_globals():
    """{(module, name)} of generators/safe_globals.txt: the globals a reader may import
    and call for real."""
    if not _SAFE:
        s = set()
        with io.open(SAFE_FILE, encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith('#'):
                    m, n = json.loads(line)
                    s.add((m, n))
        _SAFE.append(s)
    return _SAFE[0]


def unsafe(finds):
    """The finds (module, name) outside the safe list, in order, once each."""
    safe = safe_globals()
    out = []
    for f in finds:
        if f not in safe and f not in out:
            out.append(f)
    return out


def _refuse(module, name):
    raise ImportError('refused %s.%s: picklejar imports no global of a pickle that names one '
                      'outside generators/safe_globals.txt' % (name_text(module), name_text(name)))


def load_blocked(impl, data, opts, buffers, persistent_load):
    """The real reading of a pickle that failed the gate: CPython's unpickler with every
    global refused (ImportError)."""
    pl = persistent_load if opts.get('persistent_load') else None
    return _unpickler(impl, data, opts, buffers, _refuse, pl).load()
