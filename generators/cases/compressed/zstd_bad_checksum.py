"""A zstd frame whose content checksum (XXH64, low 32 bits) does not match: ZstdError "Restored data doesn't match checksum"."""
FEATURES = ["compressed", "zstd", "bad-compression"]
EXPECT = "reject"
ERROR = "bad-compression"

import pjcompress

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
GOOD = pjcompress.zstd_frame([pjcompress.zstd_block("raw", INNER, True)], content=INNER)
DATA = GOOD[:-4] + bytes(bytearray([bytearray(GOOD[-4:-3])[0] ^ 0x01])) + GOOD[-3:]
