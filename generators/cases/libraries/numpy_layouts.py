"""Real numpy arrays in the layouts pickle must flatten: a strided slice, a Fortran-order 2-d array, a transposed view, 0-d arrays and an empty 2-d array.

A non-contiguous array is pickled as a copy in C order; a Fortran-order one as its
Fortran-order bytes with the flag in its state.

Through joblib.dump (make.py --with joblib) the Fortran-order array's bytes are written in
Fortran order (the wrapper says order 'F'), the 0-d and empty arrays' as one item and none.
"""
FEATURES = ["numpy-real", "joblib"]
NEEDS = ["numpy", "joblib"]

import numpy as np

base = np.arange(12, dtype=np.int32).reshape(3, 4)
obj = [
    np.arange(10, dtype=np.int16)[::3],
    np.asfortranarray(base),
    base.T,
    np.array(5),
    np.array(2.5, dtype=np.float32),
    np.zeros((0, 3)),
]
