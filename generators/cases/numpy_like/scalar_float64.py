"""A numpy float64 scalar: numpy.core.multiarray.scalar(dtype, rawbytes)."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_scalar(pf.np_simple_dtype("f8"), struct.pack("<d", 0.5))
