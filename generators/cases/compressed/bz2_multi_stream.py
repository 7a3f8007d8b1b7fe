"""A pickle split across two bzip2 streams: bz2.decompress joins the streams."""
FEATURES = ["compressed", "bz2", "dict"]

import binascii

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
# bz2.compress(INNER[:20], 9) + bz2.compress(INNER[20:], 9), kept as bytes
DATA = binascii.unhexlify(
    "425a683931415926535946d8454e000009d7c0700000400008004220002002400020003100d34d04341a"
    "1a01a0c108de364248df8bb9229c2848236c22a700425a68393141592653598bb61cbf000006d7807c00"
    "000100080040120026402000310000089e51a613d20e16688b04aa9f5c8486f177e2ee48a70a121176c3"
    "97e0")
