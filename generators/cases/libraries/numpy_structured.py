"""A real numpy structured array (named fields, a nested record, a sub-array field) and one of its records (numpy.void).
"""
FEATURES = ["numpy-real"]
NEEDS = ["numpy"]

import numpy as np

dt = np.dtype([("id", "<i4"), ("pos", [("x", "<f8"), ("y", "<f8")]), ("tag", "S3"),
               ("hist", "<u1", (2,))])
arr = np.array([(1, (0.5, -0.5), b"ab", (1, 2)), (2, (1.5, 2.5), b"xyz", (3, 4))], dtype=dt)
obj = [arr, arr[1]]
