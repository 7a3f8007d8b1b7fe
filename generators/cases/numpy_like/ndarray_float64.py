"""A 1-d float64 array as numpy pickles it: _reconstruct(ndarray, (0,), b"b") + BUILD (1, shape, dtype, fortran, rawbytes)."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_array(pf.np_simple_dtype("f8"), (3,), struct.pack("<3d", 1.0, 2.5, -3.0))
