"""Several out-of-band buffers, read-only and writable, one large, among in-band data."""
FEATURES = ["buffer-oob", "large"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle

obj = [pickle.PickleBuffer(b"a"), pickle.PickleBuffer(bytearray(b"b")), b"inline",
       pickle.PickleBuffer(b"c" * 66000)]
