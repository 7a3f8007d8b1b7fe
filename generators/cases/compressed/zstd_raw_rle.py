"""A zstd frame of raw and RLE blocks with a content checksum (written by hand: no CPython before 3.14 has zstd)."""
FEATURES = ["compressed", "zstd", "bytes", "list"]

import struct
import pjcompress

HEAD = b"\x80\x04]\x94(C\x05hello\x94B" + struct.pack("<I", 1000)   # PROTO 4, [b"hello", BINBYTES 1000
TAIL = b"\x94e."                                            # ...]
CONTENT = HEAD + b"z" * 1000 + TAIL
DATA = pjcompress.zstd_frame([
    pjcompress.zstd_block("raw", HEAD, False),
    pjcompress.zstd_block("rle", b"z", False, count=1000),
    pjcompress.zstd_block("raw", TAIL, True),
], content=CONTENT)
