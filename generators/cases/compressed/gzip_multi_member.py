"""A pickle split across two gzip members with NUL padding between and after them: gzip.decompress joins members and skips the padding."""
FEATURES = ["compressed", "gzip", "dict"]

import zlib
import pjcompress

INNER = (b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01K\x02K\x03eX\x01\x00\x00\x00bq\x03"
         b"X\x04\x00\x00\x00textq\x04u.")   # pickle.dumps({"a": [1, 2, 3], "b": "text"}, 2)


def member(part):
    w = pjcompress.BitWriter()
    pjcompress.deflate_stored(w, part, True)
    return pjcompress.gzip_member(w.getvalue(), zlib.crc32(part), len(part))


DATA = member(INNER[:20]) + b"\x00\x00\x00" + member(INNER[20:]) + b"\x00"
