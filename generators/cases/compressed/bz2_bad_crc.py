"""A bzip2 stream whose block CRC does not match the block: OSError "Invalid data stream"."""
FEATURES = ["compressed", "bz2", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import binascii

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
# bz2.compress(INNER, 9), kept as bytes
GOOD = binascii.unhexlify(
    "425a68393141592653592d2ec8c6000016d7c07c000041000800423200264240002000220d4d0640d342"
    "9931320c8c42507b43626a12481417ac3b28ee56c422623cb69f3ea7e2ee48a70a1205a5d918c0")
# bytes 10-13 are the first block's CRC (after "BZh9" and the 6-byte block magic)
DATA = GOOD[:10] + bytes(bytearray([bytearray(GOOD[10:11])[0] ^ 0x01])) + GOOD[11:]
