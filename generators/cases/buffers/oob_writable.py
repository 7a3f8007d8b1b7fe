"""A writable buffer out-of-band: NEXT_BUFFER alone."""
FEATURES = ["buffer-oob"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle
obj = pickle.PickleBuffer(bytearray(b"rw"))
