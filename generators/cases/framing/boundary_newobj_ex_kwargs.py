"""A frame reaches 64 KiB exactly before the NEWOBJ_EX keyword-argument dict.

The padding makes the frame hold exactly 65536 bytes when save_reduce saves the kwargs
{'y': 2} of __getnewargs_ex__, after the class and the arguments (1,): the frame ends right
before EMPTY_DICT ... SETITEM NEWOBJ_EX.
"""
FEATURES = ["framing", "frame-boundary", "newobj-ex", "instance"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, pjfixtures.NewArgsEx(1, y=2)]


obj = build(pjfixtures.frame_padding(
    build, ["EMPTY_DICT", "MEMOIZE", "SHORT_BINUNICODE", "MEMOIZE", "BININT1", "SETITEM",
            "NEWOBJ_EX"]))
