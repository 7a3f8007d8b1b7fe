"""The same PickleBuffer twice in-band: memoized."""
FEATURES = ["buffer-inband", "shared"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]

import pickle
pb = pickle.PickleBuffer(bytearray(b"xy"))
obj = [pb, pb]
