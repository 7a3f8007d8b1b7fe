"""A read-only PickleBuffer in-band: written as bytes."""
FEATURES = ["buffer-inband"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]

import pickle
obj = pickle.PickleBuffer(b"read-only data")
