"""A real numpy masked array (numpy.ma) with two masked items and a fill value: numpy.ma.core._mareconstruct and its own state.
"""
FEATURES = ["numpy-real"]
NEEDS = ["numpy"]

import numpy as np

obj = np.ma.array([1.0, 2.0, 3.0, 4.0], mask=[False, True, False, True], fill_value=-9.0)
