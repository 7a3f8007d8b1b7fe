# -*- coding: utf-8 -*-
"""pjcompress: compressed pickle files, detected by magic bytes and decompressed with a cap.

Runs unchanged on CPython 2.7 and 3.6+ (make.py, pjrun's readers, the runner's CPython
worker).  No third-party imports.

    detect(data)               -> 'gzip' | 'bz2' | 'xz' | 'zstd' | 'zip' | 'zlib' | None   (by magic, never by name)
    available(method)          -> whether this interpreter can decompress `method`
    decompress(data, cap=CAP)  -> the whole decompressed stream, or raises Error

A file is compressed when it starts with one of the magics below.  The whole input is
decompressed the way the one-shot functions of the standard library do it (gzip.decompress,
bz2.decompress, lzma.decompress; zstd as Python 3.14's compression.zstd.decompress), including
their multi-member / multi-stream rules:

* gzip: members one after another, NUL padding between and after members is skipped, anything
  else after a member is an error; each member's CRC-32 and length are checked.
* bz2, xz: streams one after another; data after the last complete stream that is not a valid
  stream start is ignored (an error only in the first stream is an error); a stream that
  ends early is an error.
* zstd: frames and skippable frames one after another.  Only raw and RLE blocks are decoded
  (no CPython before 3.14 has zstd; the corpus's zstd files are written by hand with those
  block types); a compressed block is reported as unsupported.
* zlib (a `78` byte and a second byte that makes a valid RFC 1950 header: (CMF * 256 + FLG)
  divisible by 31): joblib's default compressor (`joblib.dump(..., compress=3)`, its
  BinaryZlibFile); one stream (zlib.decompress), its Adler-32 checked; data after the stream
  is an error, as joblib's reader finds no second stream there.
* zip (`PK\x03\x04`): a PyTorch-style zip checkpoint (torch.save's layout); its content is
  its single `<prefix>/data.pkl` member (stored or deflated, CRC-32 checked), read with the
  standard zipfile module.  No such member, several, a member whose path escapes the
  archive (absolute, drive letter, `..`, NUL), or anything zipfile refuses is
  `bad-compression`.

Decompression streams in chunks of at most CHUNK bytes of output and stops once the output
passes `cap` bytes, so a bomb never inflates more than cap + CHUNK bytes in memory (on
Python 2.7, whose BZ2Decompressor has no max_length, input goes in 16-byte pieces: at most
a bzip2 block or two of output past the cap).

Errors carry the kind of docs/CANON.md section 10 (pjcanon.classify_compression_error maps
the exception): a stream that ends early is `truncated`, corrupt data (bad header, bad
CRC, invalid deflate/bzip2/xz data) is `bad-compression`, more than `cap` bytes is
`limit-exceeded`.  Messages are CPython 3.13's (3.14's for zstd) on every interpreter.
"""
import io
import struct
import sys
import zipfile
import zlib

try:
    import bz2
except ImportError:  # pragma: no cover (a build without libbz2)
    bz2 = None
try:
    import lzma
except ImportError:  # Python 2.7
    lzma = None

PY2 = sys.version_info[0] == 2

CAP = 256 * 1024 * 1024          # 268435456: the decompressed-size cap for corpus variants
CHUNK = 1024 * 1024

MAGICS = (
    ('gzip', b'\x1f\x8b'),
    ('bz2', b'BZh'),
    ('xz', b'\xfd7zXZ\x00'),
    ('zstd', b'\x28\xb5\x2f\xfd'),
    ('zip', b'PK\x03\x04'),
)
METHODS = tuple(m for m, _ in MAGICS)

TRUNCATED_MESSAGE = 'Compressed file ended before the end-of-stream marker was reached'
TRUNCATED_STREAM_MESSAGE = 'Compressed data ended before the end-of-stream marker was reached'


def detect(data):
    """The compression method whose magic `data` starts with, else None."""
    head = bytes(data[:6])
    for method, magic in MAGICS:
        if head[:len(magic)] == magic:
            return method
    if len(head) >= 2 and head[:1] == b'x' and (ord(head[0:1]) * 256 + ord(head[1:2])) % 31 == 0:
        return 'zlib'
    return None


def available(method):
    if method == 'bz2':
        return bz2 is not None
    if method == 'xz':
        return lzma is not None
    return method in ('gzip', 'zstd', 'zip', 'zlib')


# ---------------------------------------------------------------------------
# Errors

class BadGzipFile(OSError):
    """gzip.BadGzipFile (3.8+), the same on every interpreter."""


BadGzipFile.__module__ = 'gzip'


class ZstdError(Exception):
    """compression.zstd.ZstdError (3.14)."""


ZstdError.__module__ = 'compression.zstd'


class ZstdUnsupported(Exception):
    """A zstd feature this reader does not decode (compressed blocks)."""


class LimitExceeded(MemoryError):
    pass


class _Enough(Exception):
    """head(): the first bytes are in."""


class Error(Exception):
    """A decompression failure: kind (CANON.md s.10), type and message as recorded."""

    def __init__(self, kind, type_name, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.type_name = type_name
        self.message = message

    def record(self):
        return {'kind': self.kind, 'type': self.type_name, 'message': self.message}


def _type_name(e):
    if isinstance(e, LimitExceeded):
        return 'MemoryError'
    t = type(e)
    name = t.__name__
    mod = getattr(t, '__module__', '')
    if name == 'error' and mod == 'zlib':
        return 'zlib.error'
    if name == 'LZMAError':
        return 'lzma.LZMAError'
    if name == 'IOError' or (PY2 and isinstance(e, (IOError, OSError)) and mod in ('exceptions',)):
        return 'OSError'
    if mod in ('builtins', 'exceptions', '__builtin__'):
        return name
    return '%s.%s' % (mod, name)


def _message(e):
    msg = str(e)
    if msg.lower() == 'invalid data stream':     # 2.7's bz2 says it in lower case
        msg = 'Invalid data stream'
    if msg.startswith('Error ') and ' while decompressing: ' in msg:     # 2.7's zlib
        msg = msg.replace(' while decompressing: ', ' while decompressing data: ', 1)
    return msg


def _wrap(e):
    import pjcanon
    return Error(pjcanon.classify_compression_error(e), _type_name(e), _message(e))


# ---------------------------------------------------------------------------
# Output with a cap

class _Sink(object):
    def __init__(self, cap, head=False):
        self.cap = cap
        self.head = head
        self.parts = []
        self.total = 0

    def room(self):
        """How much more output to ask for: at most CHUNK, and one byte past the cap."""
        return max(1, min(CHUNK, self.cap + 1 - self.total))

    def add(self, data):
        if data:
            self.parts.append(data)
            self.total += len(data)
            if self.total > self.cap:
                if self.head:
                    raise _Enough()
                self.parts = []
                raise LimitExceeded('decompressed data exceeds the %d-byte limit' % self.cap)

    def mark(self):
        return len(self.parts), self.total

    def rollback(self, mark):
        del self.parts[mark[0]:]
        self.total = mark[1]

    def result(self):
        return b''.join(self.parts)


# ---------------------------------------------------------------------------
# gzip (gzip.decompress of 3.13)

def _gzip_header(data, pos):
    """Returns the offset of the deflate data, or None at the end of the input."""
    n = len(data)
    magic = data[pos:pos + 2]
    if not magic:
        return None
    if magic != b'\x1f\x8b':
        raise BadGzipFile('Not a gzipped file (%r)' % (bytes(magic),) if not PY2 else
                          "Not a gzipped file (b%r)" % (magic,))
    if pos + 10 > n:
        raise EOFError(TRUNCATED_MESSAGE)
    method, flag = struct.unpack('<BB', data[pos + 2:pos + 4])
    if method != 8:
        raise BadGzipFile('Unknown compression method')
    pos += 10
    if flag & 4:    # FEXTRA
        if pos + 2 > n:
            raise EOFError(TRUNCATED_MESSAGE)
        xlen, = struct.unpack('<H', data[pos:pos + 2])
        pos += 2
        if pos + xlen > n:
            raise EOFError(TRUNCATED_MESSAGE)
        pos += xlen
    for bit in (8, 16):     # FNAME, FCOMMENT: NUL-terminated (an unterminated one runs to the end)
        if flag & bit:
            end = data.find(b'\x00', pos)
            pos = n if end < 0 else end + 1
    if flag & 2:    # FHCRC: read and discarded
        if pos + 2 > n:
            raise EOFError(TRUNCATED_MESSAGE)
        pos += 2
    return pos


def _gunzip(data, sink):
    pos = 0
    while True:
        start = _gzip_header(data, pos)
        if start is None:
            return
        d = zlib.decompressobj(-15)
        buf = data[start:]
        crc = 0
        size = 0
        ended = False
        while True:
            out = d.decompress(buf, sink.room())
            buf = d.unconsumed_tail
            if out:
                crc = zlib.crc32(out, crc)
                size += len(out)
                sink.add(out)
            if getattr(d, 'eof', None) or d.unused_data:
                ended = True
                break
            if not out and not buf:
                break
        if PY2 and not ended:
            ended = bool(d.unused_data)
        rest = d.unused_data
        if not ended or len(rest) < 8:
            raise EOFError(TRUNCATED_MESSAGE)
        want_crc, want_len = struct.unpack('<II', rest[:8])
        if want_crc != (crc & 0xffffffff):
            raise BadGzipFile('CRC check failed')
        if want_len != (size & 0xffffffff):
            raise BadGzipFile('Incorrect length of data produced')
        data = rest[8:].lstrip(b'\x00')
        pos = 0


# ---------------------------------------------------------------------------
# bz2 and xz (bz2.decompress, lzma.decompress of 3.13)

def _stream_py3(make, data, sink, invalid_errors, truncated_error, stop_when_empty):
    first = True
    while data or not stop_when_empty:
        d = make()
        mark = sink.mark()
        try:
            out = d.decompress(data, sink.room())
            sink.add(out)
            while not d.eof and not d.needs_input:
                sink.add(d.decompress(b'', sink.room()))
        except invalid_errors:
            if first:
                raise
            sink.rollback(mark)   # leftover data is not a valid stream: ignored
            return
        first = False
        if not d.eof:
            raise truncated_error(TRUNCATED_STREAM_MESSAGE)
        data = d.unused_data
        if stop_when_empty is False and not data:
            return


def _bunzip_py2(data, sink):
    first = True
    while data:
        d = bz2.BZ2Decompressor()
        mark = sink.mark()
        ended = False
        rest = b''
        try:
            i = 0
            while i < len(data):
                try:
                    out = d.decompress(data[i:i + 16])
                except EOFError:        # the stream ended exactly before this piece
                    ended = True
                    rest = data[i:]
                    break
                i += 16
                sink.add(out)
                if d.unused_data:
                    ended = True
                    rest = d.unused_data + data[i:]
                    break
            if not ended:
                try:
                    d.decompress(b'')
                except EOFError:
                    ended = True
        except (IOError, OSError):
            if first:
                raise
            sink.rollback(mark)
            return
        first = False
        if not ended:
            raise ValueError(TRUNCATED_STREAM_MESSAGE)
        data = rest


def _bunzip(data, sink):
    if PY2:
        return _bunzip_py2(data, sink)
    _stream_py3(bz2.BZ2Decompressor, data, sink, OSError, ValueError, True)


def _unxz(data, sink):
    _stream_py3(lambda: lzma.LZMADecompressor(lzma.FORMAT_AUTO), data, sink, lzma.LZMAError,
                lzma.LZMAError, False)


# ---------------------------------------------------------------------------
# zstd (RFC 8878): frames, skippable frames, raw and RLE blocks

_P1 = 11400714785074694791
_P2 = 14029467366897019727
_P3 = 1609587929392839161
_P4 = 9650029242287828579
_P5 = 2870177450012600261
_M64 = (1 << 64) - 1


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & _M64


def _round(acc, lane):
    acc = (acc + lane * _P2) & _M64
    return (_rotl(acc, 31) * _P1) & _M64


def _merge(acc, val):
    acc ^= _round(0, val)
    return (acc * _P1 + _P4) & _M64


def xxh64(data, seed=0):
    """XXH64 (the zstd content checksum is its low 32 bits)."""
    data = bytes(data)
    n = len(data)
    p = 0
    if n >= 32:
        v1 = (seed + _P1 + _P2) & _M64
        v2 = (seed + _P2) & _M64
        v3 = seed & _M64
        v4 = (seed - _P1) & _M64
        while p + 32 <= n:
            a, b, c, d = struct.unpack('<4Q', data[p:p + 32])
            v1 = _round(v1, a)
            v2 = _round(v2, b)
            v3 = _round(v3, c)
            v4 = _round(v4, d)
            p += 32
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M64
        for v in (v1, v2, v3, v4):
            h = _merge(h, v)
    else:
        h = (seed + _P5) & _M64
    h = (h + n) & _M64
    while p + 8 <= n:
        k, = struct.unpack('<Q', data[p:p + 8])
        h ^= _round(0, k)
        h = (_rotl(h, 27) * _P1 + _P4) & _M64
        p += 8
    if p + 4 <= n:
        k, = struct.unpack('<I', data[p:p + 4])
        h ^= (k * _P1) & _M64
        h = (_rotl(h, 23) * _P2 + _P3) & _M64
        p += 4
    while p < n:
        h ^= (bytearray(data[p:p + 1])[0] * _P5) & _M64
        h = (_rotl(h, 11) * _P1) & _M64
        p += 1
    h ^= h >> 33
    h = (h * _P2) & _M64
    h ^= h >> 29
    h = (h * _P3) & _M64
    h ^= h >> 32
    return h


def _need(data, pos, n):
    if pos + n > len(data):
        raise ZstdError(TRUNCATED_STREAM_MESSAGE)


def _unzstd(data, sink):
    pos = 0
    n = len(data)
    while True:
        _need(data, pos, 4)
        magic, = struct.unpack('<I', data[pos:pos + 4])
        pos += 4
        if magic & 0xfffffff0 == 0x184d2a50:     # skippable frame
            _need(data, pos, 4)
            size, = struct.unpack('<I', data[pos:pos + 4])
            pos += 4
            _need(data, pos, size)
            pos += size
        elif magic == 0xfd2fb528:
            pos = _zstd_frame(data, pos, sink)
        else:
            raise ZstdError('Unknown frame descriptor')
        if pos >= n:
            return


def _zstd_frame(data, pos, sink):
    _need(data, pos, 1)
    fhd = bytearray(data[pos:pos + 1])[0]
    pos += 1
    fcs_flag = fhd >> 6
    single = (fhd >> 5) & 1
    if fhd & 0x08:
        raise ZstdError('Unsupported frame parameter')
    checksum = (fhd >> 2) & 1
    did_size = (0, 1, 2, 4)[fhd & 3]
    window = None
    if not single:
        _need(data, pos, 1)
        wd = bytearray(data[pos:pos + 1])[0]
        pos += 1
        base = 1 << (10 + (wd >> 3))
        window = base + (base // 8) * (wd & 7)
    _need(data, pos, did_size)
    did = 0
    if did_size:
        did = struct.unpack('<' + {1: 'B', 2: 'H', 4: 'I'}[did_size], data[pos:pos + did_size])[0]
        pos += did_size
    if did:
        raise ZstdError('Dictionary mismatch')
    fcs_size = (1 if single else 0, 2, 4, 8)[fcs_flag]
    _need(data, pos, fcs_size)
    fcs = None
    if fcs_size:
        fcs = struct.unpack('<' + {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}[fcs_size], data[pos:pos + fcs_size])[0]
        if fcs_size == 2:
            fcs += 256
        pos += fcs_size
    if single:
        window = fcs
    block_max = min(window, 128 * 1024)
    produced = 0
    hasher_parts = [] if checksum else None
    while True:
        _need(data, pos, 3)
        b0, b1, b2 = bytearray(data[pos:pos + 3])
        pos += 3
        header = b0 | (b1 << 8) | (b2 << 16)
        last = header & 1
        btype = (header >> 1) & 3
        size = header >> 3
        if btype == 3:
            raise ZstdError('Corrupted block detected')
        if size > block_max:
            raise ZstdError('Corrupted block detected')
        if btype == 0:
            _need(data, pos, size)
            out = data[pos:pos + size]
            pos += size
        elif btype == 1:
            _need(data, pos, 1)
            out = data[pos:pos + 1] * size
            pos += 1
        else:
            raise ZstdUnsupported('zstd compressed blocks are not decoded by this reader')
        produced += len(out)
        sink.add(out)
        if hasher_parts is not None:
            hasher_parts.append(out)
        if last:
            break
    if fcs is not None and produced != fcs:
        raise ZstdError('Frame content size does not match the decoded size')
    if checksum:
        _need(data, pos, 4)
        want, = struct.unpack('<I', data[pos:pos + 4])
        pos += 4
        if xxh64(b''.join(hasher_parts)) & 0xffffffff != want:
            raise ZstdError('Restored data doesn\'t match checksum')
    return pos


# ---------------------------------------------------------------------------
# zip: the pickle of a PyTorch zip checkpoint (torch.save: <prefix>/data.pkl)

ZIP_BAD = 'zipfile.BadZipFile'


def _zip_escapes(name):
    """Why member path `name` points outside the archive, else None (as picklejar-container's
    check_member_path)."""
    if name[:1] in ('/', '\\'):
        return 'an absolute path'
    if len(name) >= 2 and name[0].isalpha() and name[0] < '\x80' and name[1] == ':':
        return 'a drive-letter path'
    if '\x00' in name:
        return 'a NUL byte'
    if '..' in name.replace('\\', '/').split('/'):
        return "a '..' component"
    return None


def _is_data_pkl(name):
    return name.endswith('/data.pkl') and name.count('/') == 1


def _unzip(data, sink):
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except Exception as e:
        raise Error('bad-compression', ZIP_BAD, _message(e))
    pkls = []
    for info in infos:
        name = getattr(info, 'orig_filename', None) or info.filename
        if not isinstance(name, str):      # Python 2: unicode names
            name = name.encode('utf-8')
        why = _zip_escapes(name)
        if why is not None:
            raise Error('bad-compression', ZIP_BAD,
                        'zip member %s has a path outside the archive (%s)' % (name, why))
        if _is_data_pkl(name):
            pkls.append((name, info))
    if len(pkls) != 1:
        raise Error('bad-compression', ZIP_BAD,
                    'a zip archive with %d <prefix>/data.pkl members (a PyTorch checkpoint has one)'
                    % len(pkls))
    name, info = pkls[0]
    try:
        f = z.open(info)
        while True:
            out = f.read(sink.room())
            if not out:
                break
            sink.add(out)
    except (LimitExceeded, _Enough):
        raise
    except Exception as e:
        raise Error('bad-compression', ZIP_BAD, 'zip member %s: %s' % (name, _message(e)))


def zip_archive(members):
    """A zip archive of (name, data) members, stored (method 0), in order, DOS time
    1980-01-01 00:00, no extra fields or comments: the same bytes everywhere."""
    out = b''
    central = b''
    for name, data in members:
        name = name.encode('ascii')
        data = bytes(data)
        crc = zlib.crc32(data) & 0xffffffff
        offset = len(out)
        out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0x21, crc, len(data),
                           len(data), len(name), 0) + name + data
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 0, 0, 0x21, crc,
                               len(data), len(data), len(name), 0, 0, 0, 0, 0, offset) + name
    return out + central + struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(members),
                                       len(members), len(central), len(out), 0)


# ---------------------------------------------------------------------------
# Writers for hand-written cases: byte-exact on every machine (no zlib/zstd library output)

class BitWriter(object):
    """Deflate's bit order: values LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.nbits = 0

    def bits(self, value, n):
        self.acc |= (value & ((1 << n) - 1)) << self.nbits
        self.nbits += n
        while self.nbits >= 8:
            self.out.append(self.acc & 0xff)
            self.acc >>= 8
            self.nbits -= 8

    def code(self, code, n):
        rev = 0
        for i in range(n):
            rev |= ((code >> i) & 1) << (n - 1 - i)
        self.bits(rev, n)

    def zeros(self, n):
        """n zero bits, fast."""
        while n and self.nbits:
            self.bits(0, 1)
            n -= 1
        self.out.extend(b'\x00' * (n // 8))
        self.bits(0, n % 8)

    def align(self):
        if self.nbits:
            self.bits(0, 8 - self.nbits)

    def getvalue(self):
        out = bytearray(self.out)
        if self.nbits:
            out.append(self.acc & 0xff)
        return bytes(out)


def _canonical(lengths):
    """{symbol: (code, length)} of a canonical Huffman code given {symbol: length}."""
    codes = {}
    code = 0
    prev = 0
    for sym, ln in sorted(lengths.items(), key=lambda kv: (kv[1], kv[0])):
        code <<= (ln - prev)
        prev = ln
        codes[sym] = (code, ln)
        code += 1
    return codes


def deflate_stored(w, data, final):
    """Stored blocks (at most 65535 bytes each) holding data."""
    data = bytes(data)
    chunks = [data[i:i + 65535] for i in range(0, len(data), 65535)] or [b'']
    for i, chunk in enumerate(chunks):
        w.bits(1 if final and i == len(chunks) - 1 else 0, 1)
        w.bits(0, 2)
        w.align()
        w.out.extend(struct.pack('<HH', len(chunk), len(chunk) ^ 0xffff))
        w.out.extend(chunk)


def deflate_run(w, byte, count, final):
    """One dynamic-Huffman block that inflates to `byte` repeated count times, count =
    1 + 258 * k: the literal, then k copies of length 258 at distance 1, two bits each
    (deflate's largest ratio, about 1032:1)."""
    k, rem = divmod(count - 1, 258)
    if rem:
        raise ValueError('count must be 1 + 258 * k')
    lit = {byte: 2, 256: 2, 285: 1}
    dist = {0: 1}
    lens = [lit.get(i, 0) for i in range(286)] + [dist.get(0)]
    # code-length alphabet: 0, 1, 2, 17 (3-10 zeros), 18 (11-138 zeros)
    cl_lens = {18: 2, 1: 2, 2: 2, 17: 3, 0: 3}
    cl = _canonical(cl_lens)
    order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    w.bits(1 if final else 0, 1)
    w.bits(2, 2)
    w.bits(286 - 257, 5)
    w.bits(1 - 1, 5)
    w.bits(18 - 4, 4)
    for sym in order[:18]:
        w.bits(cl_lens.get(sym, 0), 3)
    i = 0
    while i < len(lens):
        if lens[i] == 0:
            j = i
            while j < len(lens) and lens[j] == 0 and j - i < 138:
                j += 1
            run = j - i
            if run >= 11:
                w.code(*cl[18])
                w.bits(run - 11, 7)
            elif run >= 3:
                w.code(*cl[17])
                w.bits(run - 3, 3)
            else:
                for _ in range(run):
                    w.code(*cl[0])
            i = j
        else:
            w.code(*cl[lens[i]])
            i += 1
    lc = _canonical(lit)
    w.code(*lc[byte])
    # each copy is code 285 ('0') then distance code 0 ('0'): two zero bits
    assert lc[285] == (0, 1)
    w.zeros(2 * k)
    w.code(*lc[256])


def gzip_member(deflate, crc, size, flags=0, extra=b''):
    """A gzip member: header (mtime 0, OS 255) + raw deflate + CRC-32 + ISIZE."""
    return (b'\x1f\x8b\x08' + struct.pack('<B', flags) + b'\x00\x00\x00\x00\x00\xff' + extra +
            deflate + struct.pack('<II', crc & 0xffffffff, size & 0xffffffff))


def crc32_zeros(n, crc=0):
    """zlib.crc32 of n zero bytes, continuing from crc."""
    block = b'\x00' * (1 << 20)
    while n >= len(block):
        crc = zlib.crc32(block, crc)
        n -= len(block)
    return zlib.crc32(b'\x00' * n, crc) & 0xffffffff


def zstd_block(kind, payload, last, count=None):
    """A zstd block header + content: kind 'raw' (payload) or 'rle' (payload repeated count
    times)."""
    if kind == 'raw':
        btype, size, body = 0, len(payload), payload
    else:
        btype, size, body = 1, count, payload[:1]
    header = (1 if last else 0) | (btype << 1) | (size << 3)
    return struct.pack('<I', header)[:3] + body


def zstd_frame(blocks, window_log=20, content=None):
    """A zstd frame with a window descriptor (no content size, no dictionary); with the
    content checksum when `content` (what the blocks decode to) is given."""
    fhd = 0x04 if content is not None else 0x00
    out = b'\x28\xb5\x2f\xfd' + struct.pack('<BB', fhd, (window_log - 10) << 3) + b''.join(blocks)
    if content is not None:
        out += struct.pack('<I', xxh64(content) & 0xffffffff)
    return out


def zstd_skippable(payload, nibble=0):
    return struct.pack('<II', 0x184d2a50 | nibble, len(payload)) + payload


# ---------------------------------------------------------------------------

def _unzlib(data, sink):
    """One zlib stream (zlib.decompress; joblib's BinaryZlibFile writes one)."""
    d = zlib.decompressobj()
    buf = data
    while True:
        out = d.decompress(buf, sink.room())
        buf = d.unconsumed_tail
        sink.add(out)
        if getattr(d, 'eof', None) or d.unused_data:
            break
        if not out and not buf:
            break
    if d.unused_data:
        raise zlib.error('Error -3 while decompressing data: data after the end of the zlib stream')
    if not getattr(d, 'eof', True):
        raise EOFError(TRUNCATED_STREAM_MESSAGE)
    if PY2:
        # 2.7's decompressobj has no eof and says nothing of a stream cut short: decompress
        # the whole to tell (within the cap: the loop above got all of it)
        try:
            zlib.decompress(bytes(data))
        except zlib.error as e:
            if 'incomplete' in str(e) or 'truncated' in str(e):
                raise EOFError(TRUNCATED_STREAM_MESSAGE)
            raise


_DECODERS = {'gzip': _gunzip, 'bz2': _bunzip, 'xz': _unxz, 'zstd': _unzstd, 'zip': _unzip,
             'zlib': _unzlib}


def decompress(data, cap=CAP):
    """The whole decompressed content of `data` (which detect() recognized), or Error."""
    method = detect(data)
    if method is None:
        raise ValueError('not a compressed stream')
    if not available(method):
        raise Error('unknown', 'ImportError', 'no %s module in this interpreter' % method)
    sink = _Sink(cap)
    try:
        _DECODERS[method](bytes(data), sink)
    except Error:
        raise
    except ZstdUnsupported as e:
        raise Error('unknown', 'ZstdUnsupported', str(e))
    except Exception as e:
        raise _wrap(e)
    return sink.result()


def head(data, n):
    """The first (at most) n bytes that `data` decompresses to, errors or not."""
    method = detect(data)
    if method is None or not available(method):
        return b''
    sink = _Sink(n, head=True)
    try:
        _DECODERS[method](bytes(data), sink)
    except Exception:
        pass
    return sink.result()[:n]


# ----- the sample the hand-made compressed cases wrap ------------------------------------

# pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
SAMPLE = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
          b"X\x04\x00\x00\x00textq\x04u.")
# Its compressed forms, kept as bytes so that no library version can change them:
# zlib.compressobj(9, zlib.DEFLATED, -15) (raw deflate; sample_gzip() adds the gzip frame),
SAMPLE_DEFLATE = bytes(bytearray.fromhex(
    "6b60aa2d64d08860646060482c648c2d64d2f066f466f2664e050b25153247b000e992d48a924296523d00"))
# bz2.compress(SAMPLE, 9),
SAMPLE_BZ2 = bytes(bytearray.fromhex(
    "425a68393141592653592d2ec8c6000016d7c07c000041000800423200264240002000220d4d0640d342"
    "9931320c8c42507b43626a12481417ac3b28ee56c422623cb69f3ea7e2ee48a70a1205a5d918c0"))
# lzma.compress(SAMPLE) (FORMAT_XZ, CHECK_CRC64, preset 6).
SAMPLE_XZ = bytes(bytearray.fromhex(
    "fd377a585a000004e6d6b4460200210116000000742fe5a301002d80027d71002858010000006171015d"
    "7102284b014b024b036558010000006271035804000000746578747104752e0000002757d73ef07277c8"
    "0001462e6750735a1fb6f37d010000000004595a"))


def sample_gzip():
    """SAMPLE as one gzip member: header (no name, mtime 0, OS 255), SAMPLE_DEFLATE, and the
    CRC-32 + ISIZE trailer."""
    return gzip_member(SAMPLE_DEFLATE, zlib.crc32(SAMPLE), len(SAMPLE))


def flip(data, i, mask):
    """data with byte i XORed with mask."""
    b = bytearray(data)
    b[i] ^= mask
    return bytes(b)


# ---------------------------------------------------------------------------
# joblib files

# joblib.dump's compressed files in the corpus: joblib's default compressor at its default
# level (compress=3 means this).
JOBLIB_COMPRESS = ('zlib', 3)

def apply_cut(data, cut):
    """A joblib file's pickle: its (decompressed) bytes without the `cut` ranges, the
    [start, end) byte ranges joblib wrote outside the pickle (case.yaml's `cut`: each
    array's padding and raw bytes, written after its NumpyArrayWrapper's BUILD)."""
    if not cut:
        return data
    parts, pos = [], 0
    for start, end in cut:
        parts.append(data[pos:start])
        pos = end
    parts.append(data[pos:])
    return b''.join(parts)
