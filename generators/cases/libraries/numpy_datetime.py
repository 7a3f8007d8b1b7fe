"""Real numpy datetime64 and timedelta64 arrays of several units (days, seconds, nanoseconds), with NaT.
"""
FEATURES = ["numpy-real", "datetime"]
NEEDS = ["numpy"]

import numpy as np

obj = [
    np.array(["2020-01-01", "1969-12-31", "NaT"], dtype="datetime64[D]"),
    np.array(["2020-01-01T12:00:00", "2038-01-19T03:14:08"], dtype="datetime64[s]"),
    np.array([0, 1, -1], dtype="datetime64[ns]"),
    np.array([1, -2, 3], dtype="timedelta64[s]"),
]
