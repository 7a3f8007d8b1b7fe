"""A writable PickleBuffer in-band: BYTEARRAY8."""
FEATURES = ["buffer-inband"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]

import pickle
obj = pickle.PickleBuffer(bytearray(b"writable"))
