"""Real numpy arrays at protocol 5 with their data out-of-band (buffer_callback): a C-order and a Fortran-order array (numpy's PickleBuffer path) and a non-contiguous one (in-band copy).
"""
FEATURES = ["numpy-real", "buffer-oob"]
NEEDS = ["numpy"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import numpy as np

base = np.arange(6, dtype=np.float64).reshape(2, 3)
obj = [base, np.asfortranarray(base), base[:, ::2]]
