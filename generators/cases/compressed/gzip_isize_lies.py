"""A 61-byte gzip member whose ISIZE trailer claims 4 GiB - 1 of content: gzip.BadGzipFile "Incorrect length of data produced" (a reader must not trust the claim)."""
FEATURES = ["compressed", "gzip", "bad-compression", "hostile"]
EXPECT = "reject"
ERROR = "bad-compression"

import binascii
import struct
import zlib
import pjcompress

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
# zlib.compressobj(9, zlib.DEFLATED, -15) of INNER (raw deflate), kept as bytes so that no
# zlib version can change them; pjcompress.gzip_member adds the header (no name, mtime 0,
# OS 255) and the CRC-32 + ISIZE trailer.
RAW = binascii.unhexlify("6b60aa2d64d08860646060482c648c2d64d2f066f466f2664e050b25153247b000e992d48a924296523d00")
GOOD = pjcompress.gzip_member(RAW, zlib.crc32(INNER), len(INNER))
DATA = GOOD[:-4] + struct.pack("<I", 0xffffffff)
