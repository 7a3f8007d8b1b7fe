"""A read-only buffer out-of-band: NEXT_BUFFER READONLY_BUFFER."""
FEATURES = ["buffer-oob"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle
obj = pickle.PickleBuffer(b"ro")
