# -*- coding: utf-8 -*-
"""pjrun: the script generators/make.py runs inside each CPython (2.7 and 3.6+).

    python pjrun.py produce JOB.json OUT.jsonl   write every case with both picklers
    python pjrun.py read JOB.json OUT.jsonl      load every variant with both unpicklers

JOB.json is written by make.py; OUT.jsonl gets one JSON object a line, flushed as it goes,
so that make.py can tell which task a crashed interpreter was on.
"""
import sys
import os
import io
import json
import hashlib
import re
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import pjcanon  # noqa: E402
import pjfixtures  # noqa: E402

PY2 = sys.version_info[0] == 2
VERSION = '%d.%d' % sys.version_info[:2]

if PY2:
    import copy_reg as copyreg
    import cPickle
    import pickle as pypickle
    from cStringIO import StringIO as CBytesIO
    HIGHEST = 2
else:
    import copyreg
    import pickle as pypickle
    cPickle = None
    CBytesIO = io.BytesIO
    HIGHEST = pypickle.HIGHEST_PROTOCOL

pjfixtures.install_numpy_stub()


def out_line(f, obj):
    s = json.dumps(obj, sort_keys=True, ensure_ascii=True)
    f.write(s + '\n')
    f.flush()


def register_extensions(exts):
    for code, (module, name) in sorted((exts or {}).items()):
        copyreg.add_extension(module, name, int(code))


def clear_extensions(exts):
    for code, (module, name) in sorted((exts or {}).items()):
        try:
            copyreg.remove_extension(module, name, int(code))
        except ValueError:
            pass
    copyreg._extension_cache.clear()


def exec_case(path):
    with open(path, 'rb') as f:
        src = f.read()
    ns = {'__name__': 'pjcase', '__file__': path}
    code = compile(src, path, 'exec')
    exec(code, ns)
    return ns


# ---------------------------------------------------------------------------
# produce

def make_pickler(impl, f, proto, pers, bufcb):
    if PY2:
        if impl == 'c':
            p = cPickle.Pickler(f, proto)
            if pers:
                p.persistent_id = pjfixtures.persistent_id
            return p
        p = pypickle.Pickler(f, proto)
        if pers:
            p.persistent_id = pjfixtures.persistent_id
        return p
    base = pypickle.Pickler if impl == 'c' else pypickle._Pickler
    kw = {}
    if bufcb is not None:
        kw['buffer_callback'] = bufcb
    if pers:
        class P(base):
            def persistent_id(self, obj):
                return pjfixtures.persistent_id(obj)
        return P(f, proto, **kw)
    return base(f, proto, **kw)


def dump(impl, obj, proto, pers, oob):
    bufs = []
    bufcb = None
    if oob and proto >= 5:
        def bufcb(pb):
            bufs.append(pb)
            return False
    if PY2 and impl == 'c' and not pers:
        return cPickle.dumps(obj, proto), []
    if not PY2 and not pers and bufcb is None:
        if impl == 'c':
            return pypickle.dumps(obj, proto), []
        return pypickle._dumps(obj, proto), []
    f = CBytesIO()
    p = make_pickler(impl, f, proto, pers, bufcb)
    p.dump(obj)
    raw = []
    for pb in bufs:
        raw.append(bytes(pb.raw()))
    return f.getvalue(), raw


def store_blob(blobdir, data):
    h = hashlib.sha256(data).hexdigest()
    path = os.path.join(blobdir, h)
    if not os.path.exists(path):
        tmp = path + '.tmp%d' % os.getpid()
        with open(tmp, 'wb') as f:
            f.write(data)
        os.rename(tmp, path)
    return h


def produce(job, out):
    impls = job['impls']
    blobdir = job['blobdir']
    for case in job['cases']:
        cid = case['id']
        try:
            ns = exec_case(case['path'])
        except Exception as e:
            out_line(out, {'case': cid, 'error': 'exec: %s: %s' % (type(e).__name__, e)})
            continue
        obj = ns['obj']
        exts = case.get('extensions')
        pers = case.get('persistent', False)
        oob = case.get('oob', False)
        for impl, producer in impls:
            for proto in case['protocols']:
                if proto > HIGHEST:
                    continue
                register_extensions(exts)
                try:
                    data, bufs = dump(impl, obj, proto, pers, oob)
                except Exception as e:
                    out_line(out, {'case': cid, 'producer': producer, 'proto': proto,
                                   'error': '%s: %s' % (type(e).__name__, e)})
                    continue
                finally:
                    clear_extensions(exts)
                rec = {'case': cid, 'producer': producer, 'proto': proto,
                       'sha': store_blob(blobdir, data),
                       'bufs': [store_blob(blobdir, b) for b in bufs]}
                out_line(out, rec)


# ---------------------------------------------------------------------------
# read

_ADDR = re.compile(r'0x[0-9a-fA-F]{4,}')


def clean_message(msg):
    msg = _ADDR.sub('0x?', msg)
    # Module reprs name files by absolute path; keep messages independent of the checkout.
    msg = msg.replace(os.path.join(HERE, ''), 'generators/')
    if len(msg) > 300:
        msg = msg[:300] + '...'
    return msg


def type_name(e):
    t = type(e)
    mod = getattr(t, '__module__', '')
    if mod in ('builtins', 'exceptions', '__builtin__', '_pickle', 'pickle', 'cPickle'):
        return t.__name__
    return '%s.%s' % (mod, t.__name__)


def exc_message(e):
    if isinstance(e, KeyError):
        s = repr(e.args[0]) if e.args else ''
    else:
        try:
            s = str(e)
        except Exception:
            s = repr(e)
    if PY2 and isinstance(s, str):
        s = s.decode('latin-1')
    if not isinstance(s, type(u'')):
        s = s.decode('latin-1')
    s = s.encode('ascii', 'backslashreplace').decode('ascii')
    return clean_message(s)


def load_kwargs(opts, buffers):
    """The Unpickler keyword arguments (Python 3) for a case's load options."""
    kw = {}
    for k in ('encoding', 'errors', 'fix_imports'):
        if k in opts:
            kw[k] = opts[k]
    if buffers is not None and HIGHEST >= 5:
        kw['buffers'] = buffers
    return kw


def load(impl, data, opts, buffers):
    pers = opts.get('persistent_load', False)
    if PY2:
        if not pers:
            return (cPickle.loads if impl == 'c' else pypickle.loads)(data)
        if impl == 'c':
            u = cPickle.Unpickler(CBytesIO(data))
        else:
            u = pypickle.Unpickler(io.BytesIO(data))
        if pers:
            u.persistent_load = pjcanon.persistent_load
        return u.load()
    kw = load_kwargs(opts, buffers)
    if not pers:
        # pickle.loads / pickle._loads: the whole input is in memory, as most users load
        return (pypickle.loads if impl == 'c' else pypickle._loads)(data, **kw)
    base = pypickle.Unpickler if impl == 'c' else pypickle._Unpickler
    if pers:
        class U(base):
            def persistent_load(self, pid):
                return pjcanon.persistent_load(pid)
        u = U(io.BytesIO(data), **kw)
    else:
        u = base(io.BytesIO(data), **kw)
    return u.load()


class StandIn(object):
    """What every global becomes in the stand-in reload: accepts any call and state."""

    def __init__(self, *args, **kwargs):
        self._args = (args, kwargs)

    def __call__(self, *args, **kwargs):
        return StandIn(*args, **kwargs)

    def __setstate__(self, state):
        self._state = state

    def append(self, x):
        pass

    def extend(self, xs):
        for _ in xs:
            pass

    def add(self, x):
        pass

    def __setitem__(self, k, v):
        pass


_STANDINS = {}


def stand_in(module, name):
    key = (module, name)
    if key not in _STANDINS:
        _STANDINS[key] = type(str('StandIn'), (StandIn,), {})
    return _STANDINS[key]


def loads_with_standins(impl, data, opts, buffers):
    """Load with every global replaced by an inert stand-in class: what a data-only
    codec sees. Succeeds exactly when a failure came from class code, not the stream."""
    if PY2:
        if impl == 'c':
            u = cPickle.Unpickler(CBytesIO(data))
            u.find_global = stand_in
        else:
            class U2(pypickle.Unpickler):
                def find_class(self, module, name):
                    return stand_in(module, name)
            u = U2(io.BytesIO(data))
        u.persistent_load = pjcanon.persistent_load
        return u.load()
    kw = load_kwargs(opts, buffers)
    base = pypickle.Unpickler if impl == 'c' else pypickle._Unpickler

    class U(base):
        def find_class(self, module, name):
            return stand_in(module, name)

        def persistent_load(self, pid):
            return pjcanon.persistent_load(pid)
    return U(io.BytesIO(data), **kw).load()


def read_one(impl, data, protocol, opts, bufdata):
    exts = opts.get('extensions')
    buffers = None
    if bufdata is not None and not PY2:
        buffers = [bytearray(b) for b in bufdata]
    register_extensions(exts)
    try:
        try:
            obj = load(impl, data, opts, buffers)
        except Exception as e:
            tb = sys.exc_info()[2]
            kind = pjcanon.classify_error(e, impl, tb)
            if kind not in ('unresolved', 'unsupported-protocol'):
                # Did the stream fail, or a class's code? Reload with stand-ins to tell.
                try:
                    loads_with_standins(impl, data, opts, buffers)
                    kind = 'construct'
                except Exception:
                    pass
            return {'error': {'kind': kind, 'type': type_name(e), 'message': exc_message(e)}}
    finally:
        clear_extensions(exts)
    try:
        c = pjcanon.canon_json(obj, protocol, buffers)
    except Exception as e:
        return {'canon_failure': '%s: %s' % (type(e).__name__, exc_message(e)),
                'trace': traceback.format_exc()[-2000:]}
    return {'canon': c}


def read(job, out):
    impls = job['impls']
    done = set(job.get('done', []))
    for i, task in enumerate(job['tasks']):
        if all('%d|%s|%d' % (i, r, j) in done for _, r in impls
               for j in range(len(task['optsets']))):
            continue
        with open(task['file'], 'rb') as f:
            data = f.read()
        bufdata = None
        if task.get('bufs'):
            bufdata = []
            for p in task['bufs']:
                with open(p, 'rb') as f:
                    bufdata.append(f.read())
        for impl, reader in impls:
            for j, extra in enumerate(task['optsets']):
                if '%d|%s|%d' % (i, reader, j) in done:
                    continue
                out_line(out, {'begin': [i, reader, j]})
                opts = dict(task['load'])
                opts.update(extra)
                res = read_one(impl, data, task['protocol'], opts, bufdata)
                res['task'] = i
                res['reader'] = reader
                res['opt'] = j
                out_line(out, res)


def main():
    mode, jobfile, outfile = sys.argv[1:4]
    with open(jobfile) as f:
        job = json.load(f)
    with open(outfile, 'a') as out:
        if mode == 'produce':
            produce(job, out)
        elif mode == 'read':
            read(job, out)
        else:
            raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main()
