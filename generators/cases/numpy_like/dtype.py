"""A dtype alone: numpy.dtype("i8", False, True) + BUILD state tuple."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_simple_dtype("i8")
