"""A big-endian int16 array (dtype state byte order ">")."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_array(pf.np_simple_dtype("i2", ">"), (2,), struct.pack(">2h", 1, -2))
