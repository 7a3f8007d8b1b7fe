"""A frame reaches 64 KiB exactly before a dict value in a SETITEMS batch.

The padding (the first item's value) makes the frame hold exactly 65536 bytes when the
batch saves the second value, after its key: the frame ends right before the list [1, 2]
(EMPTY_LIST, written at once) and SETITEMS.
"""
FEATURES = ["framing", "frame-boundary", "dict"]
# (keys in sorted order: readers that sort dict keys load the same dict)
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return {u"a": u"p" * n, u"k": [1, 2]}


obj = build(pjfixtures.frame_padding(
    build, ["EMPTY_LIST", "MEMOIZE", "MARK", "BININT1", "BININT1", "APPENDS", "SETITEMS"]))
