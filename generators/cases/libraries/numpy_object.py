"""A real numpy object array holding None, an int, a str, a list and a tuple: its items are pickled as Python objects, not raw bytes.

Through joblib.dump (make.py --with joblib) an object array is not raw bytes: joblib pickles
it as a second, whole pickle in the stream after its wrapper.
"""
FEATURES = ["numpy-real", "joblib"]
NEEDS = ["numpy", "joblib"]

import numpy as np

arr = np.empty(5, dtype=object)
arr[0] = None
arr[1] = 7
arr[2] = u"seven"
arr[3] = [1, 2]
arr[4] = (3, u"x")
obj = arr
