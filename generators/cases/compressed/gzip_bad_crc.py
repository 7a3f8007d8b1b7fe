"""A gzip member whose CRC-32 does not match the data it inflates to: gzip.BadGzipFile "CRC check failed"."""
FEATURES = ["compressed", "gzip", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import struct
import zlib
import pjcompress

GOOD = pjcompress.sample_gzip()
DATA = GOOD[:-8] + struct.pack("<II", (zlib.crc32(pjcompress.SAMPLE) ^ 1) & 0xffffffff,
                               len(pjcompress.SAMPLE))
