"""An 8 KiB zstd frame of RLE blocks that inflates to 257 MiB (a valid pickle: one BINBYTES8 of zeros): past the 256 MiB decompression cap, limit-exceeded."""
FEATURES = ["compressed", "zstd", "hostile", "large"]
EXPECT = "reject"
ERROR = "limit-exceeded"

import struct
import pjcompress

BLOCK = 128 * 1024                 # the largest block (window 1 MiB)
N = 2056 * BLOCK                   # 269484032 zero bytes > 268435456
PREFIX = b"\x80\x04\x8e" + struct.pack("<Q", N)   # PROTO 4, BINBYTES8 N
DATA = pjcompress.zstd_frame(
    [pjcompress.zstd_block("raw", PREFIX, False)]
    + [pjcompress.zstd_block("rle", b"\x00", False, count=BLOCK)] * 2056
    + [pjcompress.zstd_block("raw", b".", True)])
