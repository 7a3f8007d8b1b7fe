"""A frame reaches 64 KiB exactly before an out-of-band PickleBuffer: NEXT_BUFFER.

With the buffers out-of-band, the padding makes the frame hold exactly 65536 bytes when
the read-only PickleBuffer is saved: the frame ends right before NEXT_BUFFER
READONLY_BUFFER.
"""
FEATURES = ["framing", "frame-boundary", "buffer-oob"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle

import pjfixtures


def build(n):
    return [u"p" * n, pickle.PickleBuffer(b"oob"), pickle.PickleBuffer(bytearray(b"w"))]


obj = build(pjfixtures.frame_padding(
    build, ["NEXT_BUFFER", "READONLY_BUFFER", "NEXT_BUFFER"], protocol=5,
    buffer_callback=lambda b: False))
