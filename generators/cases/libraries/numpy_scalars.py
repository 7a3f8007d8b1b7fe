"""Real numpy scalars (float64, int32, uint8, bool_, complex64, datetime64, timedelta64, str_, bytes_) and dtypes: numpy.core.multiarray.scalar of a dtype and raw bytes.
"""
FEATURES = ["numpy-real"]
NEEDS = ["numpy"]

import numpy as np

obj = [
    np.float64(1.5),
    np.int32(-3),
    np.uint8(255),
    np.bool_(True),
    np.complex64(1 - 2j),
    np.datetime64("2020-02-29", "D"),
    np.timedelta64(90, "m"),
    np.str_(u"numpy"),
    np.bytes_(b"raw"),
    np.dtype("f8"),
    np.dtype([("a", "<i2"), ("b", ">f4")]),
]
