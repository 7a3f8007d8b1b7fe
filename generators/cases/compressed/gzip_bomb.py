"""A 262 KiB gzip file that inflates to 257 MiB (a valid pickle: one BINBYTES8 of zeros): past the 256 MiB decompression cap, limit-exceeded.

The zeros are one dynamic-Huffman deflate block of length-258 copies at two bits each
(deflate's largest ratio); the CRC-32 and ISIZE are right, so only the cap rejects it.
"""
FEATURES = ["compressed", "gzip", "hostile", "large"]
EXPECT = "reject"
ERROR = "limit-exceeded"

import struct
import zlib
import pjcompress

N = 1 + 258 * 1044480              # 269475841 zero bytes > 268435456
PREFIX = b"\x80\x04\x8e" + struct.pack("<Q", N)   # PROTO 4, BINBYTES8 N
w = pjcompress.BitWriter()
pjcompress.deflate_stored(w, PREFIX, False)
pjcompress.deflate_run(w, 0, N, False)
pjcompress.deflate_stored(w, b".", True)
crc = zlib.crc32(b".", pjcompress.crc32_zeros(N, zlib.crc32(PREFIX)))
DATA = pjcompress.gzip_member(w.getvalue(), crc, len(PREFIX) + N + 1)
