"""The same PickleBuffer twice out-of-band: two NEXT_BUFFERs (out-of-band is not memoized)."""
FEATURES = ["buffer-oob", "shared"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import pickle
pb = pickle.PickleBuffer(b"twice")
obj = (pb, pb)
