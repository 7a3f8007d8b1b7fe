"""A frame reaches 64 KiB exactly before a list item in an APPENDS batch.

The padding (the first item) makes the frame hold exactly 65536 bytes when the batch saves
the second item, so the frame ends right before BININT1 1 BININT1 2 APPENDS.
"""
FEATURES = ["framing", "frame-boundary", "list"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, 1, 2]


obj = build(pjfixtures.frame_padding(build, ["BININT1", "BININT1", "APPENDS"]))
