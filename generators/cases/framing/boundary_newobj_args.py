"""A frame reaches 64 KiB exactly before a NEWOBJ argument tuple: committed there.

CPython commits a frame at the start of save() once it holds 65536 bytes or more.  An
instance with the default __reduce_ex__ is NEWOBJ(cls, ()): save_reduce saves the class,
then the argument tuple () with save().  The padding str makes the frame hold exactly 65536
bytes at that save(), so the frame ends right before EMPTY_TUPLE NEWOBJ (an empty tuple
writes its opcode at once: a pickler that skips this check keeps it in the first frame).
"""
FEATURES = ["framing", "frame-boundary", "newobj", "instance"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4, 5]

import pjfixtures


def build(n):
    return [u"p" * n, pjfixtures.Plain(a=1)]


obj = build(pjfixtures.frame_padding(
    build, ["EMPTY_TUPLE", "NEWOBJ", "MEMOIZE", "EMPTY_DICT"]))
