"""A structured array: dtype V12 with fields a:<i4 and b:<f8 in its state."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf

i4 = pf.np_simple_dtype("i4")
f8 = pf.np_simple_dtype("f8")
d = pf.np_dtype("V12", False, True)
d.state = (3, "|", None, ("a", "b"), {"a": (i4, 0), "b": (f8, 4)}, 12, 1, 16)
raw = struct.pack("<id", 1, 0.5) + struct.pack("<id", 2, 1.5)
obj = pf.np_array(d, (2,), raw)
