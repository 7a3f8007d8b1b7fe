"""A frame reaches 64 KiB exactly before a set item in an ADDITEMS batch.

The padding makes the frame hold exactly 65536 bytes when the batch of {1, 2, 3} saves its
second item: the frame ends right before BININT1 2 BININT1 3 ADDITEMS.  (Small ints: the
set's order is the same on every interpreter.)
"""
FEATURES = ["framing", "frame-boundary", "set"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, {1, 2, 3}]


obj = build(pjfixtures.frame_padding(build, ["BININT1", "BININT1", "ADDITEMS"]))
