"""A 2x3 int32 array in Fortran order."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_array(pf.np_simple_dtype("i4"), (2, 3), struct.pack("<6i", 1, 4, 2, 5, 3, 6), True)
