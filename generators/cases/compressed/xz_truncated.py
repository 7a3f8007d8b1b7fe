"""An xz stream cut inside its index: lzma.LZMAError "Compressed data ended before the end-of-stream marker was reached"."""
FEATURES = ["compressed", "xz", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import binascii

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
# lzma.compress(INNER) (FORMAT_XZ, CHECK_CRC64, preset 6), kept as bytes
GOOD = binascii.unhexlify(
    "fd377a585a000004e6d6b4460200210116000000742fe5a301002d80027d71002858010000006171015d"
    "7102284b014b024b036558010000006271035804000000746578747104752e0000002757d73ef07277c8"
    "0001462e6750735a1fb6f37d010000000004595a")
DATA = GOOD[:-20]
