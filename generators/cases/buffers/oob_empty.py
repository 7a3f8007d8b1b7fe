"""An empty out-of-band buffer."""
FEATURES = ["buffer-oob"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle
obj = [pickle.PickleBuffer(b""), pickle.PickleBuffer(bytearray())]
