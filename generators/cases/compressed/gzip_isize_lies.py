"""A 61-byte gzip member whose ISIZE trailer claims 4 GiB - 1 of content: gzip.BadGzipFile "Incorrect length of data produced" (a reader must not trust the claim)."""
FEATURES = ["compressed", "gzip", "bad-compression", "hostile"]
EXPECT = "reject"
ERROR = "bad-compression"

import struct
import pjcompress

DATA = pjcompress.sample_gzip()[:-4] + struct.pack("<I", 0xffffffff)
