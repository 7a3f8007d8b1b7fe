"""Real numpy ndarrays of eleven dtypes (bool, int8, uint16, int64, float16, float32, float64, complex128, fixed-width unicode and bytes, void), three items each.

Written by CPython's own pickle.dumps with the real numpy of each interpreter (make.py --with
numpy): numpy 1.x names numpy.core.multiarray._reconstruct, numpy 2.x numpy._core.

Through joblib.dump (make.py --with joblib) each array's raw bytes follow its
NumpyArrayWrapper in the stream, sized by the dtype's itemsize (float16, U2, V2 included).
"""
FEATURES = ["numpy-real", "joblib"]
NEEDS = ["numpy", "joblib"]

import numpy as np

obj = [
    np.array([True, False, True]),
    np.array([-1, 0, 127], dtype=np.int8),
    np.array([0, 1, 65535], dtype=np.uint16),
    np.array([-2 ** 40, 0, 2 ** 40], dtype=np.int64),
    np.array([0.5, -1.0, 65504.0], dtype=np.float16),
    np.array([0.1, 2.5, -3.0], dtype=np.float32),
    np.array([0.1, float("inf"), -0.0], dtype=np.float64),
    np.array([1 + 2j, 0j, -1.5j], dtype=np.complex128),
    np.array([u"a", u"bc", u"\u00e9"], dtype="U2"),
    np.array([b"a", b"bc", b""], dtype="S2"),
    np.array([b"\x00\x01", b"\xff\xfe", b"ab"], dtype="V2"),
]
