"""os.system("echo picklejar") inside a gzip file: readers decompress, then load.

Technique class: a compressed container the scanner does not open (ReversingLabs'
"nullifAI" models, February 2025, hid their pickles in 7z instead of PyTorch's ZIP), while
the loader decompresses it. Stored deflate blocks, so the bytes are the same everywhere.
"""
FEATURES = ["evasion", "compressed", "gzip", "global", "reduce"]
EXPECT = "reject"
ERROR = "unresolved"

import zlib
import pjcompress

PAYLOAD = b"\x80\x02cos\nsystem\nX\x0e\x00\x00\x00echo picklejar\x85R."

_w = pjcompress.BitWriter()
pjcompress.deflate_stored(_w, PAYLOAD, True)
DATA = pjcompress.gzip_member(_w.getvalue(), zlib.crc32(PAYLOAD), len(PAYLOAD))
