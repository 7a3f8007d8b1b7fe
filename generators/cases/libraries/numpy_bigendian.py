"""Real numpy arrays of big-endian dtypes (>i4, >f8, >c8) beside a little-endian one: the dtype's byte order travels in its state.
"""
FEATURES = ["numpy-real"]
NEEDS = ["numpy"]

import numpy as np

obj = [
    np.array([1, -2, 65536], dtype=">i4"),
    np.array([0.5, -1.25], dtype=">f8"),
    np.array([1 + 1j], dtype=">c8"),
    np.array([1, -2, 65536], dtype="<i4"),
]
