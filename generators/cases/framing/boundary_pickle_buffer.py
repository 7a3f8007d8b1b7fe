"""A frame reaches 64 KiB exactly before an in-band PickleBuffer.

The padding makes the frame hold exactly 65536 bytes when the read-only PickleBuffer is
saved, so the frame ends right before its in-band SHORT_BINBYTES (memoized).
"""
FEATURES = ["framing", "frame-boundary", "buffer-inband"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]

import pickle

import pjfixtures


def build(n):
    return [u"p" * n, pickle.PickleBuffer(b"pb")]


obj = build(pjfixtures.frame_padding(build, ["SHORT_BINBYTES", "MEMOIZE", "APPENDS"],
                                     protocol=5))
