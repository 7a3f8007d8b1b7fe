"""A frame reaches 64 KiB exactly before a REDUCE argument tuple: committed there.

Reduce4's __reduce__ is (Reduce4, (), None, iter([])): save_reduce saves the callable,
then the argument tuple () with save().  The padding makes the frame hold exactly 65536
bytes at that save(), so the frame ends right before EMPTY_TUPLE REDUCE.
"""
FEATURES = ["framing", "frame-boundary", "reduce"]
PYTHONS = ["3.8+"]
PROTOCOLS = [4]

import pjfixtures


def build(n):
    return [u"p" * n, pjfixtures.Reduce4()]


obj = build(pjfixtures.frame_padding(
    build, ["EMPTY_TUPLE", "REDUCE", "MEMOIZE", "APPENDS"]))
