"""A frame reaches 64 KiB exactly before a frozenset.

The padding makes the frame hold exactly 65536 bytes when the frozenset is saved, so the
frame ends right before MARK BININT1 1 BININT1 2 FROZENSET.
"""
FEATURES = ["framing", "frame-boundary", "frozenset"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, frozenset([1, 2])]


obj = build(pjfixtures.frame_padding(build, ["MARK", "BININT1", "BININT1", "FROZENSET"]))
