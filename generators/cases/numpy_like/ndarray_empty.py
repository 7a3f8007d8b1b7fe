"""A zero-length float64 array (empty raw data)."""
FEATURES = ["numpy", "reduce"]

import struct
import pjfixtures as pf
obj = pf.np_array(pf.np_simple_dtype("f8"), (0,), b"")
