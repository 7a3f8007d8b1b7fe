# -*- coding: utf-8 -*-
"""pjfixtures: the classes that picklejar's corpus pickles.

The module name `pjfixtures` appears in the pickles, so producers and readers import this
module from generators/.  It imports unchanged on CPython 2.7 and 3.6+.  Classes written
`class X:` (no base) are old-style on Python 2 and ordinary classes on Python 3.

`install_numpy_stub()` puts a tiny stand-in for `numpy` into sys.modules (only the names
numpy's pickles use), so that the numpy_like cases pickle and load with numpy's exact global
names without numpy installed.  The generator scripts call it; nothing else does.

`frame_padding()` finds the padding length that makes a protocol-4+ frame reach 64 KiB
exactly at a chosen save() (cases/framing/boundary_*.py); nothing is pickled from it.
"""
import sys

PY2 = sys.version_info[0] == 2

try:
    import copyreg
except ImportError:  # Python 2
    import copy_reg as copyreg


# ---------------------------------------------------------------------------
# Plain classes

class Plain(object):
    """An ordinary class: state is its __dict__."""

    def __init__(self, **kw):
        for k in sorted(kw):
            setattr(self, k, kw[k])

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __ne__(self, other):
        return not self == other

    __hash__ = object.__hash__


class Empty(object):
    """An ordinary class whose instances usually have no attributes."""


class Other(object):
    pass


# ---------------------------------------------------------------------------
# Python 2 old-style classes (ordinary classes on Python 3)

class OldPlain:
    """Old-style on Python 2: INST (protocol 0) / OBJ (protocol 1+) + BUILD of __dict__."""
    pass


class OldInitArgs:
    """Old-style with __getinitargs__: INST/OBJ with arguments, so `cls(*args)` on load.

    On Python 3 the same class reduces to (cls, initargs, __dict__), which is what the
    Python 2 stream says."""

    def __init__(self, a, b=None):
        self.a = a
        self.b = b

    def __getinitargs__(self):
        return (self.a, self.b)

    def __reduce__(self):
        return (self.__class__, self.__getinitargs__(), self.__dict__)


class OldGetState:
    """Old-style with __getstate__/__setstate__."""

    def __init__(self, x=0):
        self.x = x

    def __getstate__(self):
        return {'x2': self.x * 2}

    def __setstate__(self, state):
        self.x = state['x2'] // 2

    def __reduce__(self):
        return (copyreg._reconstructor, (self.__class__, object, None), self.__getstate__())


# ---------------------------------------------------------------------------
# __slots__, __getstate__/__setstate__, __getnewargs__(_ex__)

class Slotted(object):
    __slots__ = ('a', 'b')

    def __init__(self, a=None, b=None):
        self.a = a
        if b is not None:
            self.b = b


class SlottedDict(object):
    """Slots and a __dict__: state is (dict, slots)."""
    __slots__ = ('s', '__dict__')


class SlotsGetState(object):
    """Slots with an explicit __getstate__/__setstate__ (picklable at every protocol)."""
    __slots__ = ('a', 'b')

    def __init__(self, a=None, b=None):
        self.a = a
        self.b = b

    def __getstate__(self):
        return (self.a, self.b)

    def __setstate__(self, state):
        self.a, self.b = state


class GetState(object):
    """__getstate__ returns a non-dict; __setstate__ takes it back."""

    def __init__(self, value=None):
        self.value = value

    def __getstate__(self):
        return ('v1', self.value)

    def __setstate__(self, state):
        self.value = state[1]


class GetStateFalse(object):
    """__getstate__ returns a false value: no BUILD at protocols 2+ (state None/empty)."""

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        pass


class NewArgs(object):
    """__new__ takes arguments; __getnewargs__ supplies them (NEWOBJ args)."""

    def __new__(cls, x=0, y=0):
        self = object.__new__(cls)
        self.x = x
        self.y = y
        return self

    def __getnewargs__(self):
        return (self.x, self.y)


class NewArgsEx(object):
    """__getnewargs_ex__ with keyword arguments (NEWOBJ_EX at 4+, partial at 2-3)."""

    def __new__(cls, x=0, y=0, **kw):
        self = object.__new__(cls)
        self.x = x
        self.y = y
        self.kw = kw
        return self

    def __getnewargs_ex__(self):
        return ((self.x,), {'y': self.y})


class NewArgsExNoKw(object):
    """__getnewargs_ex__ with empty kwargs: plain NEWOBJ."""

    def __new__(cls, x=0):
        self = object.__new__(cls)
        self.x = x
        return self

    def __getnewargs_ex__(self):
        return ((self.x,), {})

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        pass


# ---------------------------------------------------------------------------
# __reduce__ / __reduce_ex__

class Singleton(object):
    """__reduce__ returns a string: pickled as the global of that name."""

    def __reduce__(self):
        return 'SINGLETON'


SINGLETON = Singleton()


class Point(object):
    """__reduce__ returns a 2-tuple (callable, args)."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __reduce__(self):
        return (Point, (self.x, self.y))


def make_point(x, y):
    return Point(x, y)


class PointFactory(object):
    """__reduce__ through a module-level function."""

    def __init__(self, x):
        self.x = x

    def __reduce__(self):
        return (make_point_factory, (self.x,))


def make_point_factory(x):
    return PointFactory(x)


class Reduce3(object):
    """__reduce__ returns (callable, args, state)."""

    def __init__(self, tag):
        self.tag = tag
        self.extra = None

    def __reduce__(self):
        return (Reduce3, (self.tag,), {'extra': self.extra})


class Reduce4(object):
    """__reduce__ returns (callable, args, state, listitems): APPENDS onto the object."""

    def __init__(self):
        self.items = []

    def append(self, x):
        self.items.append(x)

    def extend(self, xs):
        self.items.extend(xs)

    def __reduce__(self):
        return (Reduce4, (), None, iter(self.items))


class Reduce5(object):
    """__reduce__ returns (callable, args, state, None, dictitems): SETITEMS onto it."""

    def __init__(self):
        self.data = {}

    def __setitem__(self, k, v):
        self.data[k] = v

    def __reduce__(self):
        return (Reduce5, (), None, None, iter(sorted(self.data.items())))


def set_state_via_setter(obj, state):
    obj.__dict__.update(state)
    obj.by_setter = True


class Reduce6(object):
    """__reduce__ returns a 6-tuple with a state_setter (protocol 5 API, 3.8+)."""

    def __init__(self, v=None):
        self.v = v

    def __reduce__(self):
        state = dict(self.__dict__)
        state.pop('by_setter', None)
        return (Reduce6, (), state, None, None, set_state_via_setter)


class ReduceEx(object):
    """__reduce_ex__ that looks at the protocol (it only tells < 2 from >= 2, since
    protocol 1 streams do not say that they are protocol 1)."""

    def __init__(self, value, how=None):
        self.value = value

    def __reduce_ex__(self, proto):
        return (ReduceEx, (self.value, 'new' if proto >= 2 else 'old'))


class ReduceExBoth(object):
    """Defines both; __reduce_ex__ wins."""

    def __init__(self, v=None):
        self.v = v

    def __reduce__(self):
        return (ReduceExBoth, ('from __reduce__',))

    def __reduce_ex__(self, proto):
        return (ReduceExBoth, ('from __reduce_ex__',))


class Pair(object):
    """A node for DAGs and cycles: two slots filled after construction."""

    def __init__(self, left=None, right=None):
        self.left = left
        self.right = right


# ---------------------------------------------------------------------------
# Nested qualnames (Python 3 only picklers can write them)

class Outer(object):
    class Inner(object):
        class Deep(object):
            pass

        def method(self):
            return 1

    @staticmethod
    def static_fn():
        return 2

    @classmethod
    def class_fn(cls):
        return 3


# ---------------------------------------------------------------------------
# Subclasses of builtins

class MyList(list):
    pass


class MyDict(dict):
    pass


class MySet(set):
    pass


class MyFrozenSet(frozenset):
    pass


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyStr(str):
    pass


class MyTuple(tuple):
    pass


class MyBytes(bytes):
    pass


class MyListAttrs(list):
    """A list subclass with attributes: state + APPENDS."""

    def __init__(self, *a):
        list.__init__(self, *a)
        self.note = 'n'


# ---------------------------------------------------------------------------
# Persistent ids

class PersRef(object):
    """Producers replace it by its key through persistent_id."""

    def __init__(self, key):
        self.key = key


def persistent_id(obj):
    if isinstance(obj, PersRef):
        return obj.key
    return None


# ---------------------------------------------------------------------------
# Extensions (copyreg.add_extension)

class ExtA(object):
    pass


class ExtB(object):
    pass


def ext_function():
    return 'ext'


# ---------------------------------------------------------------------------
# namedtuple and enum

import collections  # noqa: E402

PointNT = collections.namedtuple('PointNT', 'x y')

if not PY2:
    import enum

    class Color(enum.Enum):
        RED = 1
        GREEN = u'green'

    class Level(enum.IntEnum):
        LOW = 1
        HIGH = 2

    class Perm(enum.IntFlag):
        R = 4
        W = 2
        X = 1


# ---------------------------------------------------------------------------
# Keyword-only __new__ (Python 3 syntax, defined only there)

if not PY2:
    exec('''
class KwOnly(object):
    """__new__ with keyword-only arguments, pickled through __getnewargs_ex__."""

    def __new__(cls, a, *, b, c=3):
        self = object.__new__(cls)
        self.a, self.b, self.c = a, b, c
        return self

    def __getnewargs_ex__(self):
        return ((self.a,), {'b': self.b, 'c': self.c})

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        pass
''')


# ---------------------------------------------------------------------------
# numpy stand-in: the pickles look exactly like numpy 1.x's

class _NumpyStub(object):
    pass


def install_numpy_stub():
    """Register minimal `numpy`, `numpy.core`, `numpy.core.multiarray` and
    `numpy.core.numeric` modules in sys.modules (replacing any real numpy in this process)."""
    if getattr(sys.modules.get('numpy'), '_pjfixtures_stub', False):
        return
    import types
    np = types.ModuleType('numpy')
    np._pjfixtures_stub = True
    core = types.ModuleType('numpy.core')
    ma = types.ModuleType('numpy.core.multiarray')
    numeric = types.ModuleType('numpy.core.numeric')
    np.core = core
    core.multiarray = ma
    core.numeric = numeric
    for name in ('ndarray', 'dtype', 'generic'):
        cls = globals()['np_' + name]
        setattr(np, name, cls)
    ma._reconstruct = np_reconstruct
    ma.scalar = np_scalar
    numeric._frombuffer = np_frombuffer
    sys.modules['numpy'] = np
    sys.modules['numpy.core'] = core
    sys.modules['numpy.core.multiarray'] = ma
    sys.modules['numpy.core.numeric'] = numeric


def _rename(obj, module, name):
    obj.__module__ = module
    obj.__name__ = name
    if not PY2:
        obj.__qualname__ = name
    return obj


class np_dtype(object):
    """numpy.dtype: reduces to (dtype, (str, False, True), state-tuple)."""

    def __init__(self, obj, align=False, copy=False):
        self.obj = obj
        self.state = None

    def __setstate__(self, state):
        self.state = state

    def __reduce__(self):
        return (np_dtype, (self.obj, False, True), self.state)


class np_ndarray(object):
    """numpy.ndarray: reduces to (_reconstruct, (ndarray, (0,), b'b'), (1, shape, dtype,
    is_fortran, rawdata)); protocol 5 with a contiguous buffer uses _frombuffer."""

    def __init__(self):
        self.state = None
        self.buf = None
        self.rargs = (np_ndarray, (0,), b'b')

    def __setstate__(self, state):
        self.state = state

    def __reduce_ex__(self, proto):
        if proto >= 5 and self.buf is not None:
            import pickle
            buf = self.buf
            if not isinstance(buf, pickle.PickleBuffer):
                buf = pickle.PickleBuffer(buf)
            return (np_frombuffer, (buf, self.buf_dtype, self.buf_shape, self.buf_order))
        return (np_reconstruct, self.rargs, self.state)


class np_generic(object):
    """numpy scalar (float64, int32, ...): reduces to (scalar, (dtype, rawbytes))."""

    def __init__(self, dtype, raw):
        self.dtype = dtype
        self.raw = raw

    def __reduce__(self):
        return (np_scalar, (self.dtype, self.raw))


def np_reconstruct(subtype, shape, dtype):
    a = subtype()
    a.rargs = (subtype, shape, dtype)
    return a


def np_scalar(dtype, raw=None):
    return np_generic(dtype, raw)


def np_frombuffer(buf, dtype, shape, order):
    a = np_ndarray()
    a.buf = buf
    a.buf_dtype = dtype
    a.buf_shape = shape
    a.buf_order = order
    return a


_rename(np_dtype, 'numpy', 'dtype')
_rename(np_ndarray, 'numpy', 'ndarray')
_rename(np_generic, 'numpy', 'generic')
_rename(np_reconstruct, 'numpy.core.multiarray', '_reconstruct')
_rename(np_scalar, 'numpy.core.multiarray', 'scalar')
_rename(np_frombuffer, 'numpy.core.numeric', '_frombuffer')


def np_simple_dtype(code, byteorder='<'):
    """dtype('f8') etc. as numpy pickles it: state (3, byteorder, None, None, None, -1, -1, 0)."""
    d = np_dtype(code, False, True)
    d.state = (3, byteorder, None, None, None, -1, -1, 0)
    return d


def np_array(dtype, shape, raw, fortran=False):
    a = np_ndarray()
    a.state = (1, shape, dtype, fortran, raw)
    return a


# ---------------------------------------------------------------------------
# Frame boundaries (cases/framing/boundary_*.py)

FRAME_SIZE_TARGET = 65536   # CPython's pickle: a frame is committed once it holds this much


def frame_padding(build, after, protocol=4, **dumps_kw):
    """The padding length for a frame-boundary case: the n for which
    pickle.dumps(build(n), protocol, **dumps_kw) (this interpreter's C pickler, 3.8+) has a
    first frame of exactly FRAME_SIZE_TARGET bytes followed by the opcodes `after` (names,
    after the next FRAME opcode if a frame starts there).  CPython commits a frame at the
    start of save() once it holds FRAME_SIZE_TARGET bytes or more, so the frame reached
    64 KiB exactly at the save() whose opcodes `after` begins with.  build(n) is the case's
    object with an n-character padding str in it (n < 65536: the padding stays in the frame,
    before the target).  Raises ValueError when no n in 63 KiB..64 KiB does it."""
    import pickle
    import pickletools
    import struct
    frame = pickle.FRAME
    for n in range(FRAME_SIZE_TARGET - 1024, FRAME_SIZE_TARGET):
        data = pickle.dumps(build(n), protocol, **dumps_kw)
        if data[2:3] != frame or struct.unpack('<Q', data[3:11])[0] != FRAME_SIZE_TARGET:
            continue
        names = []
        try:
            for op, _, _ in pickletools.genops(data[11 + FRAME_SIZE_TARGET:]):
                names.append(op.name)
        except ValueError:   # the first frame held the whole pickle
            pass
        if names[:1] == ['FRAME']:
            names = names[1:]
        if names[:len(after)] == list(after):
            return n
    raise ValueError('no padding makes the first frame end right before %s' % (after,))
