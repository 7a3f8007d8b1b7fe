"""Writes crates/container/tests/data/: small PyTorch checkpoints and joblib files, and
manifest.json, what each holds, for the picklejar-container tests.

    python tools/make_container_testdata.py

Run it with an interpreter that has torch, numpy, joblib and lz4 installed, e.g.

    python3.12 -m venv /tmp/venv-torch
    /tmp/venv-torch/bin/pip install torch numpy joblib lz4
    /tmp/venv-torch/bin/python tools/make_container_testdata.py

What writes what (manifest.json records the versions that did):

* torch_zip.pt, torch_zip_p4.pt, torch_legacy.pt: the real ``torch.save`` (zip format,
  default pickle protocol 2 and protocol 4; ``_use_new_zipfile_serialization=False`` for
  the legacy stacked-pickles format).
* torch_legacy_tar.pt: torch has not written the tar format since 0.4, so this script
  writes it, following the tar writer of torch <= 0.3's ``torch/serialization.py``
  (``_save``: a PAX tar with members ``sys_info``, ``pickle``, ``tensors`` and
  ``storages``; storages as ``(key, location, storage_type)`` pickles each followed by an
  int64 little-endian element count and the raw little-endian data; tensors as
  ``(key, storage_id, tensor_type)`` pickles each followed by ndim (int32), 4 bytes of
  padding, sizes, strides and the storage offset (int64 each); persistent ids in the main
  pickle are the keys as strings). The result is checked by loading it with the installed
  torch's ``torch.load(weights_only=False)``, whose ``legacy_load`` reads that format.
* torch_zip_bomb.pt, torch_zip_lying.pt, torch_zip_traversal.pt: torch_zip.pt rewritten
  with Python's zipfile: storage record ``data/0`` replaced by 4 MiB of deflated zeros
  (sizes in the headers true, then lying: 24 bytes); an extra member ``../evil.pkl``.
* joblib_*.joblib: the real ``joblib.dump`` (numpy arrays of several dtypes and orders,
  an object array, protocols 0, 2 and the default; every compressor joblib has: zlib,
  gzip, bz2, lzma, xz, lz4; two scikit-learn estimators when scikit-learn is installed).
  The manifest lists the arrays in the order joblib wrote them, recorded by wrapping
  joblib's own ``NumpyArrayWrapper.write_array`` during the dump. joblib_noalign.joblib emulates a joblib <= 1.1 file (no
  ``numpy_array_alignment_bytes`` in the wrapper state, so no padding before the array
  bytes) by deleting that attribute from each wrapper before it is pickled.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import tarfile
import zipfile
from contextlib import closing

import joblib
import joblib.numpy_pickle as jnp
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, 'crates', 'container', 'tests', 'data')


def versions():
    v = {
        'python': sys.version.split()[0],
        'torch': torch.__version__,
        'torch_git': getattr(torch.version, 'git_version', None),
        'numpy': np.__version__,
        'joblib': joblib.__version__,
    }
    try:
        import lz4
        v['lz4'] = lz4.__version__
    except ImportError:
        v['lz4'] = None
    try:
        import sklearn
        v['sklearn'] = sklearn.__version__
    except ImportError:
        v['sklearn'] = None
    return v


# ---- an independent reader of persistent ids: Python's own pickle module ----------------

class _Dummy:
    def __init__(self, *a, **k):
        self.args = a

    def __setstate__(self, s):
        self.state = s

    def __setitem__(self, k, v):
        pass


class _PidRecorder(pickle.Unpickler):
    def __init__(self, f):
        super().__init__(f)
        self.pids = []

    def find_class(self, mod, name):
        if mod == 'torch' and name.endswith('Storage'):
            return ('storage_type', mod + '.' + name)
        return _Dummy

    def persistent_load(self, pid):
        self.pids.append(pid)
        return _Dummy()


def _pids(data):
    r = _PidRecorder(io.BytesIO(data))
    r.load()
    return r.pids


def _dtype_of_storage_type(qualname):
    cls = getattr(torch, qualname.split('.', 1)[1])
    dtype = cls.dtype if qualname != 'torch.UntypedStorage' else torch.uint8
    return str(dtype).replace('torch.', ''), torch._utils._element_size(dtype)


def _torch_zip_expect(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        pkl = [n for n in names if n.endswith('/data.pkl')][0]
        prefix = pkl[: -len('data.pkl')]
        pids = _pids(z.read(pkl))
        storages = {}
        for pid in pids:
            if pid[0] != 'storage':
                continue
            _, (_, st), key, location, numel = pid[:5]
            if key in storages:
                continue
            dtype, size = _dtype_of_storage_type(st)
            data = z.read(prefix + 'data/' + key)
            storages[key] = {
                'key': key,
                'storage_type': st,
                'dtype': dtype,
                'element_size': size,
                'location': location,
                'numel': numel,
                'nbytes': len(data),
                'hex': data.hex(),
            }
        byteorder = z.read(prefix + 'byteorder').decode() if prefix + 'byteorder' in names else None
    return {
        'kind': 'torch-zip',
        'prefix': prefix.rstrip('/'),
        'records': names,
        'byteorder': byteorder,
        'persistent_ids': len(pids),
        'storages': list(storages.values()),
    }


def _tiny_state():
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    sd = lin.state_dict()
    w = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    sd['arange'] = w
    sd['row'] = w[1]  # a view: same storage, offset 3
    sd['step'] = torch.tensor(7, dtype=torch.int64)
    sd['mask'] = torch.tensor([True, False, True])
    sd['half'] = torch.tensor([1.5, -2.0], dtype=torch.float16)
    return sd


def write_torch(manifest):
    sd = _tiny_state()
    p = os.path.join(OUT, 'torch_zip.pt')
    torch.save(sd, p)
    manifest['torch_zip.pt'] = dict(_torch_zip_expect(p), writer='torch.save')

    p4 = os.path.join(OUT, 'torch_zip_p4.pt')
    torch.save({'t': torch.tensor([[1, 2], [3, 4]], dtype=torch.int32), 'n': 1}, p4, pickle_protocol=4)
    manifest['torch_zip_p4.pt'] = dict(_torch_zip_expect(p4), writer='torch.save(pickle_protocol=4)')

    # Legacy: stacked pickles.
    pl = os.path.join(OUT, 'torch_legacy.pt')
    legacy_obj = {'w': torch.arange(4, dtype=torch.float64), 'b': torch.tensor([1, 2, 3], dtype=torch.int16)}
    torch.save(legacy_obj, pl, _use_new_zipfile_serialization=False)
    manifest['torch_legacy.pt'] = dict(_torch_legacy_expect(pl), writer='torch.save(_use_new_zipfile_serialization=False)')

    # Legacy: tar, by this script's writer.
    pt = os.path.join(OUT, 'torch_legacy_tar.pt')
    expect = write_legacy_tar(pt)
    back = torch.load(pt, weights_only=False)
    assert torch.equal(back['w'], torch.tensor([[1.0, 2.0], [3.0, 4.0]])), back
    assert torch.equal(back['i'], torch.tensor([5, 6, 7], dtype=torch.int64)), back
    assert back['n'] == 'tar', back
    manifest['torch_legacy_tar.pt'] = dict(expect, writer='this script (torch <= 0.3 tar layout); read back by torch.load')

    write_bad_zips(p, manifest)


def _torch_legacy_expect(path):
    with open(path, 'rb') as f:
        data = f.read()
    f = io.BytesIO(data)
    magic = pickle.load(f)
    assert magic == 0x1950A86A20F9469CFC6C
    proto = pickle.load(f)
    sys_info = pickle.load(f)
    main_start = f.tell()
    r = _PidRecorder(f)
    r.load()
    keys = pickle.load(f)
    storages = {}
    for pid in r.pids:
        if pid[0] == 'storage':
            _, (_, st), key, location, numel = pid[:5]
            storages.setdefault(key, (st, location, numel))
    out = []
    for key in keys:
        st, location, numel = storages[key]
        dtype, size = _dtype_of_storage_type(st)
        (n,) = struct.unpack('<q', f.read(8))
        assert n == numel
        raw = f.read(n * size)
        out.append({
            'key': key, 'storage_type': st, 'dtype': dtype, 'element_size': size,
            'location': location, 'numel': numel, 'nbytes': len(raw), 'hex': raw.hex(),
        })
    assert f.read() == b''
    return {
        'kind': 'torch-legacy-stacked',
        'protocol_version': proto,
        'little_endian': sys_info['little_endian'],
        'main_pickle_offset': main_start,
        'persistent_ids': len(r.pids),
        'storages': out,
    }


def write_legacy_tar(path):
    """The tar layout of torch <= 0.3's torch.save (see the module docstring)."""
    proto = 2
    storages = [
        # key, location, storage type name, element size, data
        (1001, 'cpu', 'FloatStorage', 4, struct.pack('<4f', 1.0, 2.0, 3.0, 4.0)),
        (1002, 'cpu', 'LongStorage', 8, struct.pack('<3q', 5, 6, 7)),
    ]
    tensors = [
        # key, storage key, tensor type name, sizes, strides, storage offset
        (2001, 1001, 'FloatTensor', (2, 2), (2, 1), 0),
        (2002, 1002, 'LongTensor', (3,), (1,), 0),
    ]

    class _Key:
        """Stands for a tensor in the main pickle: persistent id str(key)."""
        def __init__(self, key):
            self.key = key

    class _P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _Key):
                return str(obj.key)
            return None

    def add(tar, name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(data))

    sys_info = dict(protocol_version=1000, little_endian=True,
                    type_sizes=dict(short=2, int=4, long=8))
    b_sys = pickle.dumps(sys_info, protocol=proto)

    f = io.BytesIO()
    _P(f, protocol=proto).dump({'w': _Key(2001), 'i': _Key(2002), 'n': 'tar'})
    b_pickle = f.getvalue()

    f = io.BytesIO()
    pickle.dump(len(tensors), f, protocol=proto)
    for key, skey, ttype, sizes, strides, offset in tensors:
        pickle.dump((key, skey, getattr(torch, ttype)), f, protocol=proto)
        f.write(struct.pack('<i', len(sizes)) + b'\0' * 4)
        f.write(struct.pack('<%dq' % len(sizes), *sizes))
        f.write(struct.pack('<%dq' % len(strides), *strides))
        f.write(struct.pack('<q', offset))
    b_tensors = f.getvalue()

    f = io.BytesIO()
    pickle.dump(len(storages), f, protocol=proto)
    for key, loc, stype, size, data in storages:
        pickle.dump((key, loc, getattr(torch, stype)), f, protocol=proto)
        f.write(struct.pack('<q', len(data) // size))
        f.write(data)
    pickle.dump([], f, protocol=proto)  # storage views
    b_storages = f.getvalue()

    out = io.BytesIO()
    with closing(tarfile.open(fileobj=out, mode='w:', format=tarfile.PAX_FORMAT)) as tar:
        add(tar, 'sys_info', b_sys)
        add(tar, 'pickle', b_pickle)
        add(tar, 'tensors', b_tensors)
        add(tar, 'storages', b_storages)
    with open(path, 'wb') as fh:
        fh.write(out.getvalue())
    return {
        'kind': 'torch-legacy-tar',
        'storages': [
            {'key': str(k), 'storage_type': 'torch.' + t, 'dtype': _dtype_of_storage_type('torch.' + t)[0],
             'element_size': s, 'location': loc, 'numel': len(d) // s, 'nbytes': len(d), 'hex': d.hex()}
            for k, loc, t, s, d in storages
        ],
        'tensors': [
            {'key': str(k), 'storage': str(sk), 'tensor_type': 'torch.' + t, 'size': list(sz),
             'stride': list(st), 'storage_offset': off}
            for k, sk, t, sz, st, off in tensors
        ],
    }


def write_bad_zips(good, manifest):
    with zipfile.ZipFile(good) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    bomb = 4 << 20

    def rewrite(path, lie=False, extra=None):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, 'w') as out:
            for info, data in items:
                zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                if info.filename.endswith('/data/0'):
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(zi, b'\0' * bomb, compresslevel=9)
                else:
                    zi.compress_type = zipfile.ZIP_STORED
                    out.writestr(zi, data)
            if extra:
                zi = zipfile.ZipInfo(extra, date_time=(1980, 1, 1, 0, 0, 0))
                out.writestr(zi, b'\x80\x02N.')
        raw = bytearray(buf.getvalue())
        if lie:
            # Uncompressed size of the bomb member: 24 bytes, in the local header and in
            # the central directory (the deflate stream still inflates to 4 MiB).
            want = struct.pack('<I', bomb)
            n = 0
            for sig, off in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):
                i = raw.find(sig)
                while i >= 0:
                    if raw[i + off:i + off + 4] == want:
                        raw[i + off:i + off + 4] = struct.pack('<I', 24)
                        n += 1
                    i = raw.find(sig, i + 1)
            assert n == 2, n
        with open(path, 'wb') as fh:
            fh.write(bytes(raw))

    rewrite(os.path.join(OUT, 'torch_zip_bomb.pt'))
    manifest['torch_zip_bomb.pt'] = {'kind': 'torch-zip', 'bomb_member_bytes': bomb,
                                     'writer': 'zipfile rewrite of torch_zip.pt'}
    rewrite(os.path.join(OUT, 'torch_zip_lying.pt'), lie=True)
    manifest['torch_zip_lying.pt'] = {'kind': 'torch-zip', 'bomb_member_bytes': bomb, 'declared': 24,
                                      'writer': 'zipfile rewrite of torch_zip.pt, sizes patched'}
    # A normal-sized copy with a member outside the archive.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as out:
        for info, data in items:
            out.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), data)
        out.writestr(zipfile.ZipInfo('../evil.pkl', date_time=(1980, 1, 1, 0, 0, 0)), b'\x80\x02N.')
    with open(os.path.join(OUT, 'torch_zip_traversal.pt'), 'wb') as fh:
        fh.write(buf.getvalue())
    manifest['torch_zip_traversal.pt'] = {'kind': 'torch-zip', 'unsafe_member': '../evil.pkl',
                                          'writer': 'zipfile rewrite of torch_zip.pt'}


# ---- joblib ------------------------------------------------------------------------------

def _array_expect(a):
    dt = a.dtype
    _, args, state = dt.__reduce__()
    order = 'F' if (a.flags.f_contiguous and not a.flags.c_contiguous) else 'C'
    e = {
        'dtype': state[1] + args[0],
        'shape': list(a.shape),
        'order': order,
        'element_size': dt.itemsize,
        'numel': int(a.size),
    }
    if dt.hasobject:
        e['object'] = True
    else:
        raw = a.tobytes(order=order)
        e['nbytes'] = len(raw)
        e['hex'] = raw.hex()
    return e


def _joblib(name, obj, manifest, note, **kw):
    """joblib.dump, recording the arrays in the order joblib writes them (its own
    NumpyArrayWrapper.write_array is wrapped), then joblib.load as a check."""
    path = os.path.join(OUT, name)
    written = []
    orig = jnp.NumpyArrayWrapper.write_array

    def recording(self, array, pickler):
        written.append(array)
        return orig(self, array, pickler)
    jnp.NumpyArrayWrapper.write_array = recording
    try:
        joblib.dump(obj, path, **kw)
    finally:
        jnp.NumpyArrayWrapper.write_array = orig
    joblib.load(path)
    comp = kw.get('compress')
    manifest[name] = {
        'kind': 'joblib',
        'compression': comp[0] if isinstance(comp, tuple) else None,
        'arrays': [_array_expect(a) for a in written],
        'writer': 'joblib.dump' + note,
    }


def write_joblib(manifest):
    mixed = collections.OrderedDict()
    mixed['f8'] = np.arange(6, dtype='<f8').reshape(2, 3)
    mixed['same_dtype'] = np.array([0.5, 0.25])  # memo hit on the dtype
    mixed['i4_big'] = np.array([1, -2, 3], dtype='>i4')
    mixed['fortran'] = np.asfortranarray(np.arange(6, dtype=np.int16).reshape(2, 3))
    mixed['unicode'] = np.array(['ab', 'c'])
    mixed['bytes'] = np.array([b'xyz', b'q'])
    mixed['bool'] = np.array([True, False, True])
    mixed['c16'] = np.array([1 + 2j])
    mixed['datetime'] = np.array(['2020-01-02T03:04:05'], dtype='M8[s]')
    mixed['record'] = np.zeros(2, dtype=[('a', '<i4'), ('b', '<f8')])
    mixed['zero_d'] = np.array(3.5, dtype='<f4')
    mixed['empty'] = np.zeros((0, 3), dtype='<u1')
    mixed['objects'] = np.array([1, 'two', None], dtype=object)
    mixed['after'] = [np.array([9], dtype='<u2'), 'tail']
    _joblib('joblib_mixed.joblib', mixed, manifest, ' (default protocol)')
    _joblib('joblib_root_p2.joblib', np.arange(5, dtype='<i2'), manifest, '(protocol=2)', protocol=2)
    _joblib('joblib_p0.joblib', {'a': np.array([1.0, 2.0])}, manifest, '(protocol=0)', protocol=0)

    small = {'x': np.arange(4, dtype='<i8'), 'y': 'text', 'z': np.ones((2, 2), dtype='<f4')}
    for comp in ['zlib', 'gzip', 'bz2', 'lzma', 'xz', 'lz4']:
        _joblib('joblib_%s.joblib' % comp, small, manifest, "(compress=('%s', 3))" % comp, compress=(comp, 3))

    # joblib <= 1.1: no numpy_array_alignment_bytes, so no padding byte.
    orig = jnp.NumpyPickler._create_array_wrapper

    def old_wrapper(self, array):
        w = orig(self, array)
        del w.numpy_array_alignment_bytes
        return w
    jnp.NumpyPickler._create_array_wrapper = old_wrapper
    try:
        _joblib('joblib_noalign.joblib', {'a': np.arange(3, dtype='<i4'), 'b': np.array([2.5])}, manifest,
                ' with the wrapper state of joblib <= 1.1 (no alignment padding)')
    finally:
        jnp.NumpyPickler._create_array_wrapper = orig

    # Real-world: scikit-learn estimators (structured 'nodes' arrays, arrays in reduce
    # arguments), when scikit-learn is installed.
    try:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        return
    X = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=float)
    y = [0, 1, 1, 0]
    _joblib('joblib_sklearn_tree.joblib', DecisionTreeClassifier(random_state=0).fit(X, y), manifest,
            ' of a scikit-learn DecisionTreeClassifier')
    _joblib('joblib_sklearn_forest_xz.joblib',
            RandomForestClassifier(n_estimators=2, random_state=0).fit(X, y), manifest,
            " of a scikit-learn RandomForestClassifier (compress=('xz', 3))", compress=('xz', 3))


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {}
    write_torch(manifest)
    write_joblib(manifest)
    doc = {'versions': versions(), 'files': manifest}
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print('wrote %d files, %d bytes, to %s' % (len(os.listdir(OUT)), total, OUT))


if __name__ == '__main__':
    main()
