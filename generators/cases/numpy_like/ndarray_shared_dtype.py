"""Two arrays sharing one dtype object (memo GET of the dtype)."""
FEATURES = ["numpy", "reduce", "shared"]

import struct
import pjfixtures as pf

d = pf.np_simple_dtype("f4")
obj = [pf.np_array(d, (1,), struct.pack("<f", 1.0)), pf.np_array(d, (2,), struct.pack("<2f", 2.0, 3.0))]
