# -*- coding: utf-8 -*-
"""pjcanon: the canon form of docs/CANON.md, computed from loaded CPython objects.

Runs unchanged on CPython 2.7 and 3.6+.  No third-party imports.

    canon_json(obj, protocol, buffers=None) -> compact JSON text (str)
    classify_error(exc, impl, tb=None)      -> codec-neutral error kind (CANON.md section 10)
    classify_compression_error(exc)         -> the kind of a decompression failure

`protocol` is the protocol P of the pickle being loaded (the PROTO it declares, 0 when
there is none); objects that are not plain values are described by the reduction their
pickler would write at P (CANON.md section 7).  `buffers` is the list of out-of-band buffer
objects that were passed to the unpickler (they and read-only memoryviews of them become
`buffer` nodes).
"""
import sys
import types
import traceback

PY2 = sys.version_info[0] == 2

if PY2:
    import copy_reg as copyreg
    import __builtin__ as builtins
    text_type = unicode  # noqa: F821
    bytes_type = str
    int_types = (int, long)  # noqa: F821
    ClassType = types.ClassType
    InstanceType = types.InstanceType
    unichr_ = unichr  # noqa: F821
else:
    import copyreg
    import builtins
    text_type = str
    bytes_type = bytes
    int_types = (int,)
    ClassType = None
    InstanceType = None
    unichr_ = chr

try:
    from pickle import PickleBuffer
except ImportError:
    PickleBuffer = None

FunctionType = types.FunctionType
BuiltinFunctionType = types.BuiltinFunctionType
ModuleType = types.ModuleType

NoneType = type(None)
EllipsisType = type(Ellipsis)
NotImplementedType = type(NotImplemented)

MEMBER_ORDER = ('t', 'id', 'v', 'hex', 'module', 'name', 'class', 'callable', 'args',
                'kwargs', 'state', 'items', 'dictitems', 'setter', 'index', 'readonly')

# Copy of CPython 3.13 Lib/_compat_pickle.py NAME_MAPPING / IMPORT_MAPPING (py2 -> py3),
# used by Python 2 readers so that their canon names are Python 3 names.
COMPAT_NAME_MAPPING = {
    ('UserDict', 'IterableUserDict'): ('collections', 'UserDict'),
    ('UserDict', 'UserDict'): ('collections', 'UserDict'),
    ('UserList', 'UserList'): ('collections', 'UserList'),
    ('UserString', 'UserString'): ('collections', 'UserString'),
    ('__builtin__', 'basestring'): ('builtins', 'str'),
    ('__builtin__', 'intern'): ('sys', 'intern'),
    ('__builtin__', 'long'): ('builtins', 'int'),
    ('__builtin__', 'reduce'): ('functools', 'reduce'),
    ('__builtin__', 'unichr'): ('builtins', 'chr'),
    ('__builtin__', 'unicode'): ('builtins', 'str'),
    ('__builtin__', 'xrange'): ('builtins', 'range'),
    ('_multiprocessing', 'Connection'): ('multiprocessing.connection', 'Connection'),
    ('_socket', 'fromfd'): ('socket', 'fromfd'),
    ('exceptions', 'ArithmeticError'): ('builtins', 'ArithmeticError'),
    ('exceptions', 'AssertionError'): ('builtins', 'AssertionError'),
    ('exceptions', 'AttributeError'): ('builtins', 'AttributeError'),
    ('exceptions', 'BaseException'): ('builtins', 'BaseException'),
    ('exceptions', 'BufferError'): ('builtins', 'BufferError'),
    ('exceptions', 'BytesWarning'): ('builtins', 'BytesWarning'),
    ('exceptions', 'DeprecationWarning'): ('builtins', 'DeprecationWarning'),
    ('exceptions', 'EOFError'): ('builtins', 'EOFError'),
    ('exceptions', 'EnvironmentError'): ('builtins', 'EnvironmentError'),
    ('exceptions', 'Exception'): ('builtins', 'Exception'),
    ('exceptions', 'FloatingPointError'): ('builtins', 'FloatingPointError'),
    ('exceptions', 'FutureWarning'): ('builtins', 'FutureWarning'),
    ('exceptions', 'GeneratorExit'): ('builtins', 'GeneratorExit'),
    ('exceptions', 'IOError'): ('builtins', 'IOError'),
    ('exceptions', 'ImportError'): ('builtins', 'ImportError'),
    ('exceptions', 'ImportWarning'): ('builtins', 'ImportWarning'),
    ('exceptions', 'IndentationError'): ('builtins', 'IndentationError'),
    ('exceptions', 'IndexError'): ('builtins', 'IndexError'),
    ('exceptions', 'KeyError'): ('builtins', 'KeyError'),
    ('exceptions', 'KeyboardInterrupt'): ('builtins', 'KeyboardInterrupt'),
    ('exceptions', 'LookupError'): ('builtins', 'LookupError'),
    ('exceptions', 'MemoryError'): ('builtins', 'MemoryError'),
    ('exceptions', 'NameError'): ('builtins', 'NameError'),
    ('exceptions', 'NotImplementedError'): ('builtins', 'NotImplementedError'),
    ('exceptions', 'OSError'): ('builtins', 'OSError'),
    ('exceptions', 'OverflowError'): ('builtins', 'OverflowError'),
    ('exceptions', 'PendingDeprecationWarning'): ('builtins', 'PendingDeprecationWarning'),
    ('exceptions', 'ReferenceError'): ('builtins', 'ReferenceError'),
    ('exceptions', 'RuntimeError'): ('builtins', 'RuntimeError'),
    ('exceptions', 'RuntimeWarning'): ('builtins', 'RuntimeWarning'),
    ('exceptions', 'StandardError'): ('builtins', 'Exception'),
    ('exceptions', 'StopIteration'): ('builtins', 'StopIteration'),
    ('exceptions', 'SyntaxError'): ('builtins', 'SyntaxError'),
    ('exceptions', 'SyntaxWarning'): ('builtins', 'SyntaxWarning'),
    ('exceptions', 'SystemError'): ('builtins', 'SystemError'),
    ('exceptions', 'SystemExit'): ('builtins', 'SystemExit'),
    ('exceptions', 'TabError'): ('builtins', 'TabError'),
    ('exceptions', 'TypeError'): ('builtins', 'TypeError'),
    ('exceptions', 'UnboundLocalError'): ('builtins', 'UnboundLocalError'),
    ('exceptions', 'UnicodeDecodeError'): ('builtins', 'UnicodeDecodeError'),
    ('exceptions', 'UnicodeEncodeError'): ('builtins', 'UnicodeEncodeError'),
    ('exceptions', 'UnicodeError'): ('builtins', 'UnicodeError'),
    ('exceptions', 'UnicodeTranslateError'): ('builtins', 'UnicodeTranslateError'),
    ('exceptions', 'UnicodeWarning'): ('builtins', 'UnicodeWarning'),
    ('exceptions', 'UserWarning'): ('builtins', 'UserWarning'),
    ('exceptions', 'ValueError'): ('builtins', 'ValueError'),
    ('exceptions', 'Warning'): ('builtins', 'Warning'),
    ('exceptions', 'ZeroDivisionError'): ('builtins', 'ZeroDivisionError'),
    ('itertools', 'ifilter'): ('builtins', 'filter'),
    ('itertools', 'ifilterfalse'): ('itertools', 'filterfalse'),
    ('itertools', 'imap'): ('builtins', 'map'),
    ('itertools', 'izip'): ('builtins', 'zip'),
    ('itertools', 'izip_longest'): ('itertools', 'zip_longest'),
    ('multiprocessing', 'AuthenticationError'): ('multiprocessing.context', 'AuthenticationError'),
    ('multiprocessing', 'BufferTooShort'): ('multiprocessing.context', 'BufferTooShort'),
    ('multiprocessing', 'ProcessError'): ('multiprocessing.context', 'ProcessError'),
    ('multiprocessing', 'TimeoutError'): ('multiprocessing.context', 'TimeoutError'),
    ('multiprocessing.forking', 'Popen'): ('multiprocessing.popen_fork', 'Popen'),
    ('multiprocessing.process', 'Process'): ('multiprocessing.context', 'Process'),
    ('socket', '_socketobject'): ('socket', 'SocketType'),
    ('urllib', 'ContentTooShortError'): ('urllib.error', 'ContentTooShortError'),
    ('urllib', 'getproxies'): ('urllib.request', 'getproxies'),
    ('urllib', 'pathname2url'): ('urllib.request', 'pathname2url'),
    ('urllib', 'quote'): ('urllib.parse', 'quote'),
    ('urllib', 'quote_plus'): ('urllib.parse', 'quote_plus'),
    ('urllib', 'unquote'): ('urllib.parse', 'unquote'),
    ('urllib', 'unquote_plus'): ('urllib.parse', 'unquote_plus'),
    ('urllib', 'url2pathname'): ('urllib.request', 'url2pathname'),
    ('urllib', 'urlcleanup'): ('urllib.request', 'urlcleanup'),
    ('urllib', 'urlencode'): ('urllib.parse', 'urlencode'),
    ('urllib', 'urlopen'): ('urllib.request', 'urlopen'),
    ('urllib', 'urlretrieve'): ('urllib.request', 'urlretrieve'),
    ('urllib2', 'HTTPError'): ('urllib.error', 'HTTPError'),
    ('urllib2', 'URLError'): ('urllib.error', 'URLError'),
    ('whichdb', 'whichdb'): ('dbm', 'whichdb'),
}
COMPAT_IMPORT_MAPPING = {
    'BaseHTTPServer': 'http.server',
    'CGIHTTPServer': 'http.server',
    'ConfigParser': 'configparser',
    'Cookie': 'http.cookies',
    'Dialog': 'tkinter.dialog',
    'DocXMLRPCServer': 'xmlrpc.server',
    'FileDialog': 'tkinter.filedialog',
    'HTMLParser': 'html.parser',
    'Queue': 'queue',
    'ScrolledText': 'tkinter.scrolledtext',
    'SimpleDialog': 'tkinter.simpledialog',
    'SimpleHTTPServer': 'http.server',
    'SimpleXMLRPCServer': 'xmlrpc.server',
    'SocketServer': 'socketserver',
    'StringIO': 'io',
    'Tkconstants': 'tkinter.constants',
    'Tkdnd': 'tkinter.dnd',
    'Tkinter': 'tkinter',
    'UserDict': 'collections',
    'UserList': 'collections',
    'UserString': 'collections',
    '__builtin__': 'builtins',
    '_abcoll': 'collections.abc',
    '_elementtree': 'xml.etree.ElementTree',
    '_winreg': 'winreg',
    'anydbm': 'dbm',
    'cPickle': 'pickle',
    'cStringIO': 'io',
    'commands': 'subprocess',
    'cookielib': 'http.cookiejar',
    'copy_reg': 'copyreg',
    'dbhash': 'dbm.bsd',
    'dbm': 'dbm.ndbm',
    'dumbdbm': 'dbm.dumb',
    'dummy_thread': '_dummy_thread',
    'gdbm': 'dbm.gnu',
    'htmlentitydefs': 'html.entities',
    'httplib': 'http.client',
    'markupbase': '_markupbase',
    'repr': 'reprlib',
    'robotparser': 'urllib.robotparser',
    'test.test_support': 'test.support',
    'thread': '_thread',
    'tkColorChooser': 'tkinter.colorchooser',
    'tkCommonDialog': 'tkinter.commondialog',
    'tkFileDialog': 'tkinter.filedialog',
    'tkFont': 'tkinter.font',
    'tkMessageBox': 'tkinter.messagebox',
    'tkSimpleDialog': 'tkinter.simpledialog',
    'ttk': 'tkinter.ttk',
    'urllib2': 'urllib.request',
    'urlparse': 'urllib.parse',
    'whichdb': 'dbm',
    'xmlrpclib': 'xmlrpc.client',
}

def _map_py2_name(module, name):
    """Python 2 names -> Python 3 names, as fix_imports does when py3 loads a py2 pickle."""
    if not PY2:
        return module, name
    key = (module, name)
    if key in COMPAT_NAME_MAPPING:
        return COMPAT_NAME_MAPPING[key]
    if module in COMPAT_IMPORT_MAPPING:
        return COMPAT_IMPORT_MAPPING[module], name
    return module, name


def _py2_qualname(obj, module, name):
    """Python 2 has no __qualname__: find the dotted path of a nested class or function
    (loaded from a Python 3 pickle) inside its module."""
    mod = sys.modules.get(module)
    if mod is None or getattr(mod, name, None) is obj:
        return name
    target = getattr(obj, 'im_func', obj)

    def same(a):
        return a is obj or a is target or getattr(a, 'im_func', None) is target

    frontier = [('', mod)]
    for _ in range(4):
        nxt = []
        for prefix, o in frontier:
            for k in sorted(getattr(o, '__dict__', {})):
                try:
                    a = getattr(o, k)
                except Exception:
                    continue
                path = prefix + k
                if same(a):
                    return path
                if isinstance(a, (type, ClassType)) and getattr(a, '__module__', None) == module:
                    nxt.append((path + '.', a))
        frontier = nxt
    return name


def _class_like(x):
    """Whether x may be the class of a NEWOBJ reduction: a type, or an object whose type
    says it stands for one (the data-only reading's recorded calls, pjrun._Record: a class
    the stream computes, such as cloudpickle's skeleton class)."""
    return isinstance(x, type) or bool(getattr(type(x), '_pj_class_like', False))


class PersidMarker(object):
    """What the readers' persistent_load returns: canon renders it as a `persid` node."""
    __slots__ = ('pid',)

    def __init__(self, pid):
        self.pid = pid


def persistent_load(pid):
    return PersidMarker(pid)


class CanonError(Exception):
    pass


# ---------------------------------------------------------------------------
# Scalars

_BYTE_ESC = []
for _b in range(256):
    if _b == 0x5c:
        _BYTE_ESC.append('\\\\')
    elif 0x20 <= _b <= 0x7e:
        _BYTE_ESC.append(chr(_b))
    else:
        _BYTE_ESC.append('\\x%02x' % _b)
_BYTE_ESC = [text_type(_s) for _s in _BYTE_ESC]


def escape_bytes(data):
    """CANON.md section 5."""
    return u''.join([_BYTE_ESC[b] for b in bytearray(data)])


def float_repr(x):
    """CANON.md section 3: CPython 3 repr(float); nan without sign."""
    if x != x:
        return u'nan'
    return text_type(repr(x))


def _code_points(s):
    # On a UCS4 build (2.7 here, every 3.x) each element is one code point.
    return [ord(c) for c in s]


def _utf8_surrogatepass(s):
    out = bytearray()
    for cp in _code_points(s):
        if cp < 0x80:
            out.append(cp)
        elif cp < 0x800:
            out.append(0xc0 | (cp >> 6))
            out.append(0x80 | (cp & 0x3f))
        elif cp < 0x10000:
            out.append(0xe0 | (cp >> 12))
            out.append(0x80 | ((cp >> 6) & 0x3f))
            out.append(0x80 | (cp & 0x3f))
        else:
            out.append(0xf0 | (cp >> 18))
            out.append(0x80 | ((cp >> 12) & 0x3f))
            out.append(0x80 | ((cp >> 6) & 0x3f))
            out.append(0x80 | (cp & 0x3f))
    return bytes(out) if not PY2 else str(out)


def _has_surrogate(s):
    for c in s:
        o = ord(c)
        if 0xd800 <= o <= 0xdfff:
            return True
    return False


_JSON_ESC = {0x22: u'\\"', 0x5c: u'\\\\', 0x08: u'\\b', 0x0c: u'\\f', 0x0a: u'\\n',
             0x0d: u'\\r', 0x09: u'\\t'}


def json_string(s):
    """A JSON string the way json.dumps(ensure_ascii=False) / serde_json write it."""
    if not isinstance(s, text_type):
        s = s.decode('ascii')
    out = [u'"']
    for c in s:
        o = ord(c)
        if o in _JSON_ESC:
            out.append(_JSON_ESC[o])
        elif o < 0x20:
            out.append(u'\\u%04x' % o)
        else:
            out.append(c)
    out.append(u'"')
    return u''.join(out)


# ---------------------------------------------------------------------------
# Nodes

# Tags whose nodes take part in identity (CANON.md section 8); tuple and frozenset only
# when non-empty (decided when the node is made).
PART_TAGS = frozenset(['list', 'dict', 'set', 'bytearray', 'object', 'reduce', 'persid',
                       'tuple', 'frozenset'])


class Node(object):
    __slots__ = ('tag', 'm', 'part', '__weakref__')

    def __init__(self, tag, part=False):
        self.tag = tag
        self.m = {}
        self.part = part


def int_text(x):
    """The decimal text of an int, however many digits: a reader that loads an int past
    CPython's int_max_str_digits limit (PyPy 3.9 reads one from text but will not str() it)
    still has a canon."""
    try:
        return str(x)
    except ValueError:
        setter = getattr(sys, 'set_int_max_str_digits', None)
        if setter is None:
            raise
        old = sys.get_int_max_str_digits()
        setter(0)
        try:
            return str(x)
        finally:
            setter(old)


def _leaf(tag, **members):
    n = Node(tag)
    for k, v in members.items():
        n.m[k] = v
    return n


class _Builder(object):
    def __init__(self, protocol, buffers):
        self.protocol = protocol
        self.memo = {}
        self.keep = []
        self.buffers = {}
        for i, b in enumerate(buffers or ()):
            self.buffers[id(b)] = i
        self.keep.append(buffers)

    # -- helpers
    def _part(self, x, tag):
        n = Node(tag, part=True)
        self.memo[id(x)] = n
        self.keep.append(x)
        return n

    def global_node(self, module, name):
        module, name = _map_py2_name(module, name)
        n = Node('global')
        n.m['module'] = text_type(module)
        n.m['name'] = text_type(name)
        return n

    def whichmodule(self, obj, name):
        module = getattr(obj, '__module__', None)
        if module is not None:
            return module
        for modname, mod in list(sys.modules.items()):
            if modname == '__main__' or mod is None:
                continue
            try:
                o = mod
                for part in name.split('.'):
                    o = getattr(o, part)
                if o is obj:
                    return modname
            except AttributeError:
                pass
        return '__main__'

    def global_of(self, obj):
        name = getattr(obj, '__qualname__', None)
        if name is None:
            name = obj.__name__
        module = self.whichmodule(obj, name)
        if PY2:
            name = _py2_qualname(obj, module, name)
        return self.global_node(module, name)

    def _buffer_index(self, x):
        """Index of the out-of-band buffer that x is (or is a view of), else None."""
        if not self.buffers:
            return None
        o = x
        for _ in range(8):
            if id(o) in self.buffers:
                return self.buffers[id(o)]
            if isinstance(o, memoryview):
                o = o.obj
            elif PickleBuffer is not None and isinstance(o, PickleBuffer):
                o = memoryview(o).obj
            else:
                break
        return None

    # -- the walk
    def build(self, x):
        t = type(x)
        if x is None:
            return Node('none')
        if t is bool:
            return _leaf('bool', v=x)
        if t in int_types:
            return _leaf('int', v=text_type(int_text(x)))
        if t is float:
            return _leaf('float', v=float_repr(x))
        bi = self._buffer_index(x)
        if bi is not None:
            m = memoryview(x)
            self.keep.append(m)
            return _leaf('buffer', index=bi, readonly=bool(m.readonly),
                         v=escape_bytes(m.tobytes()))
        if t is text_type:
            if _has_surrogate(x):
                import binascii
                return _leaf('str', hex=text_type(binascii.hexlify(_utf8_surrogatepass(x)).decode('ascii')))
            return _leaf('str', v=x)
        if t is bytes_type:
            return _leaf('bytes', v=escape_bytes(x))
        if id(x) in self.memo:
            return self.memo[id(x)]
        if t is bytearray:
            n = self._part(x, 'bytearray')
            n.m['v'] = escape_bytes(x)
            return n
        if t is list:
            n = self._part(x, 'list')
            n.m['v'] = [self.build(e) for e in x]
            return n
        if t is tuple:
            if len(x) == 0:
                return _leaf('tuple', v=[])
            n = self._part(x, 'tuple')
            n.m['v'] = [self.build(e) for e in x]
            return n
        if t is dict:
            n = self._part(x, 'dict')
            n.m['v'] = [(self.build(k), self.build(v)) for k, v in list(x.items())]
            return n
        if t is set:
            n = self._part(x, 'set')
            n.m['v'] = [self.build(e) for e in x]
            return n
        if t is frozenset:
            if len(x) == 0:
                return _leaf('frozenset', v=[])
            n = self._part(x, 'frozenset')
            n.m['v'] = [self.build(e) for e in x]
            return n
        if PickleBuffer is not None and t is PickleBuffer:
            m = memoryview(x)
            self.keep.append(m)
            if m.readonly:
                return _leaf('bytes', v=escape_bytes(m.tobytes()))
            n = self._part(x, 'bytearray')
            n.m['v'] = escape_bytes(m.tobytes())
            return n
        if t is PersidMarker:
            n = self._part(x, 'persid')
            n.m['v'] = self.build(x.pid)
            return n
        if x is Ellipsis:
            return self.global_node('builtins', 'Ellipsis')
        if x is NotImplemented:
            return self.global_node('builtins', 'NotImplemented')
        if isinstance(x, type) or (PY2 and t is ClassType):
            if x is NoneType:
                return self._reduce_node(x, type, (None,))
            if x is EllipsisType:
                return self._reduce_node(x, type, (Ellipsis,))
            if x is NotImplementedType:
                return self._reduce_node(x, type, (NotImplemented,))
            return self.global_of(x)
        if t is FunctionType:
            return self.global_of(x)
        if t is BuiltinFunctionType or t is types.MethodType:
            owner = getattr(x, '__self__', None)
            if owner is None or isinstance(owner, ModuleType):
                return self.global_of(x)
            if PY2 and t is types.MethodType and owner is None:
                return self.global_of(x)
            if isinstance(owner, type) or (PY2 and type(owner) is ClassType):
                g = self.global_of(owner)
                g.m['name'] = g.m['name'] + u'.' + text_type(x.__name__)
                return g
            return self._reduce_node(x, getattr, (owner, x.__name__))
        if PY2 and t is InstanceType:
            return self._old_instance(x)
        return self._reduction(x)

    def _old_instance(self, x):
        """Python 2 old-style instance: what INST/OBJ + BUILD write."""
        cls = x.__class__
        if hasattr(x, '__getinitargs__'):
            n = self._part(x, 'reduce')
            n.m['callable'] = self.build(cls)
            args = x.__getinitargs__()
            self.keep.append(args)
            n.m['args'] = [self.build(a) for a in args]
            is_object = False
        else:
            n = self._part(x, 'object')
            n.m['class'] = self.build(cls)
            is_object = True
        getstate = getattr(x, '__getstate__', None)
        state = getstate() if getstate is not None else x.__dict__
        self.keep.append(state)
        self._set_state(n, state, is_object)
        return n

    def _set_state(self, n, state, is_object):
        # CANON.md section 1 says so for `object`; picklejar applies the same rule to
        # `reduce` (an empty-dict BUILD is a no-op, and 3.11 changed set/frozenset subclass
        # reductions from state {} to None).
        if state is None:
            return
        if type(state) is dict and len(state) == 0:
            return
        n.m['state'] = self.build(state)

    def _reduce_node(self, x, func, args):
        n = self._part(x, 'reduce')
        n.m['callable'] = self.build(func)
        self.keep.append(args)
        n.m['args'] = [self.build(a) for a in args]
        return n

    def _reduction(self, x):
        t = type(x)
        reducer = copyreg.dispatch_table.get(t)
        if reducer is not None:
            rv = reducer(x)
        else:
            rex = getattr(x, '__reduce_ex__', None)
            if rex is not None:
                rv = rex(self.protocol)
            else:
                rv = x.__reduce__()
        self.keep.append(rv)
        if isinstance(rv, (str, text_type)):
            return self.global_node(self.whichmodule(x, rv), rv)
        if not isinstance(rv, tuple) or not (2 <= len(rv) <= 6):
            raise CanonError('reduction of %r is %r' % (t, rv))
        rv = tuple(rv) + (None,) * (6 - len(rv))
        func, args, state, listitems, dictitems, setter = rv
        fname = getattr(func, '__name__', None)
        if fname == '__newobj__' and args and _class_like(args[0]):
            n = self._part(x, 'object')
            n.m['class'] = self.build(args[0])
            if len(args) > 1:
                n.m['args'] = [self.build(a) for a in args[1:]]
            is_object = True
        elif fname == '__newobj_ex__' and len(args) == 3 and _class_like(args[0]):
            n = self._part(x, 'object')
            n.m['class'] = self.build(args[0])
            if args[1]:
                n.m['args'] = [self.build(a) for a in args[1]]
            if args[2]:
                n.m['kwargs'] = [(self.build(k), self.build(v)) for k, v in list(args[2].items())]
            is_object = True
        elif (func is copyreg._reconstructor and isinstance(args, tuple) and len(args) == 3
              and args[1] is object and args[2] is None):
            n = self._part(x, 'object')
            n.m['class'] = self.build(args[0])
            is_object = True
        else:
            n = self._part(x, 'reduce')
            cal = self.build(func)
            argn = [self.build(a) for a in args]
            if (cal.tag == 'global' and cal.m['module'] == u'builtins' and cal.m['name'] == u'getattr'
                    and len(argn) == 2 and argn[0].tag == 'global' and argn[1].tag == 'str'
                    and 'v' in argn[1].m and state is None and listitems is None
                    and dictitems is None):
                del self.memo[id(x)]
                g = Node('global')
                g.m['module'] = argn[0].m['module']
                g.m['name'] = argn[0].m['name'] + u'.' + argn[1].m['v']
                return g
            n.m['callable'] = cal
            n.m['args'] = argn
            is_object = False
        self._set_state(n, state, is_object)
        if listitems is not None:
            items = list(listitems)
            self.keep.append(items)
            if items:
                n.m['items'] = [self.build(e) for e in items]
        if dictitems is not None:
            items = list(dictitems)
            self.keep.append(items)
            if items:
                n.m['dictitems'] = [(self.build(k), self.build(v)) for k, v in items]
        if setter is not None:
            n.m['setter'] = self.build(setter)
        return n


# ---------------------------------------------------------------------------
# Rendering

def _children(n, setorder):
    """Child nodes in section 9 order; set elements in sorted order."""
    out = []
    for name in MEMBER_ORDER:
        if name not in n.m:
            continue
        val = n.m[name]
        if isinstance(val, Node):
            out.append(val)
        elif isinstance(val, list):
            if name == 'v' and n.tag in ('set', 'frozenset'):
                val = setorder(n)
            for e in val:
                if isinstance(e, tuple):
                    out.append(e[0])
                    out.append(e[1])
                else:
                    out.append(e)
    return out


def _scalar_json(name, val):
    if isinstance(val, bool):
        return u'true' if val else u'false'
    if isinstance(val, int_types):
        return text_type(val)
    return json_string(val)


class _Renderer(object):
    def __init__(self):
        self.keycache = {}

    def sort_key(self, n):
        k = self.keycache.get(id(n))
        if k is None:
            k = self.plain(n, set())
            self.keycache[id(n)] = (k, n)
            return k
        return k[0]

    def ordered_set(self, n):
        elems = n.m['v']
        return sorted(elems, key=lambda e: self.sort_key(e).encode('utf-8'))

    def plain(self, n, path):
        """Compact JSON without identity; cycles on the current path become {"t":"ref"}."""
        if n.part:
            if id(n) in path:
                return u'{"t":"ref"}'
            path = path | set([id(n)])
        return self._emit(n, lambda c: self.plain(c, path),
                          lambda s: sorted(s.m['v'],
                                           key=lambda e: self.plain(e, path).encode('utf-8')),
                          None)

    def _emit(self, n, sub, setorder, anchor):
        parts = [u'"t":' + json_string(n.tag)]
        if anchor is not None:
            parts.append(u'"id":' + text_type(anchor))
        for name in MEMBER_ORDER[1:]:
            if name not in n.m:
                continue
            val = n.m[name]
            if isinstance(val, Node):
                parts.append(json_string(name) + u':' + sub(val))
            elif isinstance(val, list):
                if name == 'v' and n.tag in ('set', 'frozenset'):
                    val = setorder(n)
                items = []
                for e in val:
                    if isinstance(e, tuple):
                        items.append(u'[' + sub(e[0]) + u',' + sub(e[1]) + u']')
                    else:
                        items.append(sub(e))
                parts.append(json_string(name) + u':[' + u','.join(items) + u']')
            else:
                parts.append(json_string(name) + u':' + _scalar_json(name, val))
        return u'{' + u','.join(parts) + u'}'

    def render(self, root):
        counts = {}
        order = []
        # iterative DFS to count visits
        stack = [root]
        while stack:
            n = stack.pop()
            if n.part:
                c = counts.get(id(n), 0)
                counts[id(n)] = c + 1
                if c:
                    continue
                order.append(n)
            ch = _children(n, self.ordered_set)
            stack.extend(reversed(ch))
        anchors = {}
        for n in order:
            if counts[id(n)] > 1:
                anchors[id(n)] = len(anchors) + 1
        seen = set()

        def sub(n):
            if n.part and id(n) in anchors:
                a = anchors[id(n)]
                if id(n) in seen:
                    return u'{"t":"ref","v":%d}' % a
                seen.add(id(n))
                return self._emit(n, sub, self.ordered_set, a)
            return self._emit(n, sub, self.ordered_set, None)
        return sub(root)


def canon_json(obj, protocol, buffers=None):
    """The canon of a loaded object as compact JSON text (unicode on Python 2)."""
    old = sys.getrecursionlimit()
    if old < 20000:
        sys.setrecursionlimit(20000)
    try:
        b = _Builder(protocol, buffers)
        root = b.build(obj)
        return _Renderer().render(root)
    finally:
        sys.setrecursionlimit(old)


def pickle_protocol(data):
    """The protocol a stream declares: the PROTO argument, 0 when there is none."""
    data = bytearray(data[:2])
    if len(data) >= 2 and data[0] == 0x80:
        return data[1]
    return 0


# ---------------------------------------------------------------------------
# Errors (CANON.md section 10)

# The error kinds: the one definition (make.py's lint, the readers, the tests import it;
# generators/tests check it against the table of docs/CANON.md section 10).
ERROR_KINDS = ('construct', 'truncated', 'stack-underflow', 'bad-mark', 'unknown-opcode', 'bad-memo',
               'unsupported-protocol', 'bad-utf8', 'bad-encoding', 'bad-literal',
               'bad-argument', 'missing-buffer', 'unknown-extension', 'limit-exceeded',
               'unresolved', 'bad-compression')
# What a reading records when it has no kind, none of them in the committed corpus (make.py
# warns): an exception classify_error does not know (`unknown`), an interpreter that died
# (`crash`), a canon that could not be computed (`canon-failure`).
NOT_CLASSIFIED = ('unknown', 'crash', 'canon-failure')


def classify_compression_error(exc):
    """The kind of an exception raised while decompressing a compressed pickle file
    (pjcompress): a stream that ends early is `truncated` (EOFError, "... ended before the
    end-of-stream marker was reached"), more output than the cap is `limit-exceeded`
    (MemoryError), and anything else (zlib.error, gzip.BadGzipFile, bz2's OSError "Invalid
    data stream", lzma.LZMAError, ZstdError) is `bad-compression`."""
    if isinstance(exc, EOFError):
        return 'truncated'
    if 'ended before the end-of-stream marker' in str(exc):
        return 'truncated'
    if isinstance(exc, MemoryError):
        return 'limit-exceeded'
    return 'bad-compression'

_MESSAGE_KINDS = [
    # (substring, kind): checked in order, case-sensitive, on str(exc)
    ('pickle data was truncated', 'truncated'),
    ('unpickling stack underflow', 'stack-underflow'),
    ('odd number of items', 'stack-underflow'),
    ('could not find MARK', 'bad-mark'),
    ('unexpected MARK found', 'bad-mark'),
    ('invalid load key', 'unknown-opcode'),
    ('Memo value not found', 'bad-memo'),
    ('negative PUT argument', 'bad-memo'),
    ('negative LONG_BINPUT argument', 'bad-memo'),
    ('unsupported pickle protocol', 'unsupported-protocol'),
    ('out-of-band', 'missing-buffer'),
    ('unregistered extension code', 'unknown-extension'),
    ('EXT specifies code <= 0', 'unknown-extension'),
    ('must be quoted', 'bad-literal'),
    ('insecure string pickle', 'bad-literal'),
    ('persistent IDs in protocol 0 must be ASCII', 'bad-literal'),
    ('could not convert string to float', 'bad-literal'),
    ('invalid literal for', 'bad-literal'),
    ('escape', 'bad-literal'),
    ('LONG pickle has negative byte count', 'bad-literal'),
    ('BINSTRING pickle has negative byte count', 'bad-literal'),
    ('exhausted before end of frame', 'truncated'),
    ('new frame before end of current frame', 'bad-argument'),
    ('STACK_GLOBAL requires str', 'bad-argument'),
    ('NEWOBJ', 'bad-argument'),
    ("Can't get attribute", 'unresolved'),
    ('Empty module name', 'unresolved'),
    ('persistent_load', 'unresolved'),
    ('persistent id instruction', 'unresolved'),
]

_PY_FRAME_KINDS = {
    # innermost pickle.py function -> kind, for the pure-Python unpicklers' generic errors
    'pop_mark': 'bad-mark',
    'marker': 'bad-mark',
    'load_get': 'bad-memo',
    'load_binget': 'bad-memo',
    'load_long_binget': 'bad-memo',
    'find_class': 'unresolved',
    '_getattribute': 'unresolved',
    'load_persid': 'bad-literal',
    '_decode_string': 'bad-encoding',
    'get_extension': 'unknown-extension',
    'load_ext1': 'unknown-extension',
    'load_ext2': 'unknown-extension',
    'load_ext4': 'unknown-extension',
}


def _pickle_frames(tb):
    """Function names of the traceback frames that are in pickle.py, innermost last."""
    names = []
    for fs in traceback.extract_tb(tb):
        filename, name = fs[0], fs[2]
        base = filename.replace('\\', '/').rsplit('/', 1)[-1]
        if base in ('pickle.py', 'pickle.pyc'):
            names.append(name)
    return names


def classify_error(exc, impl, tb=None):
    """Map an exception a CPython unpickler raised to a CANON.md section 10 kind.

    impl is 'c' (C unpickler: _pickle, or cPickle on 2.7) or 'py' (pickle._Unpickler,
    pickle.Unpickler on 2.7).  tb is the traceback (for the pure-Python unpickler, whose
    IndexError/KeyError do not say which check failed)."""
    tname = type(exc).__name__
    msg = str(exc) if not isinstance(exc, KeyError) else repr(exc)
    frames = _pickle_frames(tb) if tb is not None else []
    inner = frames[-1] if frames else None

    if isinstance(exc, UnicodeDecodeError):
        enc = (exc.encoding or '').lower().replace('_', '-')
        if inner in ('load_persid', '_decode_string'):
            return _PY_FRAME_KINDS[inner]
        if enc in ('utf-8', 'utf8'):
            return 'bad-utf8'
        if 'unicode' in enc and 'escape' in enc:
            return 'bad-literal'
        return 'bad-encoding'
    if isinstance(exc, EOFError):
        return 'truncated'
    if isinstance(exc, (MemoryError, RecursionError if not PY2 else RuntimeError)):
        if PY2 and 'recursion' not in msg:
            pass
        else:
            return 'limit-exceeded'
    if isinstance(exc, ImportError):
        return 'unresolved'
    for sub, kind in _MESSAGE_KINDS:
        if sub in msg:
            return kind
    if tname == 'error' and type(exc).__module__ == 'struct':
        return 'truncated'
    if tname == 'BadPickleGet':
        return 'bad-memo'
    if isinstance(exc, KeyError):
        if impl == 'py' and inner == 'load':
            return 'unknown-opcode'
        if inner in _PY_FRAME_KINDS:
            return _PY_FRAME_KINDS[inner]
        return 'bad-memo'
    if isinstance(exc, IndexError):
        if msg == 'index out of range' or msg == 'string index out of range':
            return 'truncated'  # indexing a short read (bytes/str), e.g. read(1)[0]
        if inner in _PY_FRAME_KINDS:
            return _PY_FRAME_KINDS[inner]
        return 'stack-underflow'
    if isinstance(exc, AttributeError):
        if inner in ('find_class', '_getattribute'):
            return 'unresolved'
        if "'module' object has no attribute" in msg:
            return 'unresolved'
        if impl == 'c' and "has no attribute" in msg and 'module' in msg:
            return 'unresolved'
        return 'bad-argument'
    if isinstance(exc, TypeError):
        return 'bad-argument'
    if isinstance(exc, OverflowError):
        return 'limit-exceeded'
    if isinstance(exc, ValueError):
        if inner in _PY_FRAME_KINDS:
            return _PY_FRAME_KINDS[inner]
        return 'bad-literal'
    if tname == 'UnpicklingError':
        if inner in _PY_FRAME_KINDS:
            return _PY_FRAME_KINDS[inner]
        return 'bad-argument'
    return 'unknown'
