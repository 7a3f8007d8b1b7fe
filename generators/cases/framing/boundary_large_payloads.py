"""A frame reaches 64 KiB exactly before a large bytes; a large str and bytearray follow.

The padding makes the frame hold exactly 65536 bytes when the 65536-byte bytes is saved:
the frame is committed there and the payload written outside any frame.  Between it and
the 65536-character str only MEMOIZE is written: a frame under 4 bytes, written without a
FRAME opcode.  At protocol 4 the bytearray is REDUCE(bytearray, (bytes,)): its 65536-byte
bytes commits the frame holding the str's MEMOIZE and the global builtins.bytearray.
"""
FEATURES = ["framing", "frame-boundary", "large", "bytes", "str", "bytearray"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, b"B" * 65536, u"S" * 65536, bytearray(b"A" * 65536)]


obj = build(pjfixtures.frame_padding(build, ["BINBYTES", "MEMOIZE", "BINUNICODE"]))
