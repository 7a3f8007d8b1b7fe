"""A frame reaches 64 KiB exactly before a memo GET of a shared object.

save() checks the frame before it looks in the memo: the padding makes the frame hold
exactly 65536 bytes at the second reference to the shared list, so the frame ends right
before its BINGET (and the last frame, BINGET APPENDS STOP, is 4 bytes: just framed).
"""
FEATURES = ["framing", "frame-boundary", "memo", "shared"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    shared = [1]
    return [shared, u"p" * n, shared]


obj = build(pjfixtures.frame_padding(build, ["BINGET", "APPENDS", "STOP"]))
