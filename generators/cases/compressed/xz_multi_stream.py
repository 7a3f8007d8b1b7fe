"""A pickle split across two xz streams (no padding between: lzma.decompress would ignore a stream after padding)."""
FEATURES = ["compressed", "xz", "dict"]

import binascii

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)
# lzma.compress(INNER[:20]) + lzma.compress(INNER[20:]), kept as bytes
DATA = binascii.unhexlify(
    "fd377a585a000004e6d6b4460200210116000000742fe5a301001380027d71002858010000006171015d"
    "7102284b0100a4a8cbdeafa5e65200012c14f80a6d031fb6f37d010000000004595afd377a585a000004"
    "e6d6b4460200210116000000742fe5a30100194b024b0365580100000062710358040000007465787471"
    "04752e000000e68cfce88624da770001321a201894301fb6f37d010000000004595a")
