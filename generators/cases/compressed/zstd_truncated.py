"""A zstd frame cut inside its last block: "Compressed data ended before the end-of-stream marker was reached"."""
FEATURES = ["compressed", "zstd", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

import pjcompress

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
DATA = pjcompress.zstd_frame([pjcompress.zstd_block("raw", INNER, True)])[:-5]
