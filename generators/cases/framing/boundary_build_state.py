"""A frame reaches 64 KiB exactly before a BUILD state.

The padding makes the frame hold exactly 65536 bytes when save_reduce saves the instance's
state {'a': 1}, after NEWOBJ: the frame ends right before EMPTY_DICT ... SETITEM BUILD.
"""
FEATURES = ["framing", "frame-boundary", "instance"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, pjfixtures.Plain(a=1)]


obj = build(pjfixtures.frame_padding(
    build, ["EMPTY_DICT", "MEMOIZE", "SHORT_BINUNICODE", "MEMOIZE", "BININT1", "SETITEM",
            "BUILD"]))
