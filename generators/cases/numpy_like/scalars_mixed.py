"""int32 and bool scalars sharing nothing."""
FEATURES = ["numpy", "reduce", "list"]

import struct
import pjfixtures as pf

obj = [pf.np_scalar(pf.np_simple_dtype("i4"), struct.pack("<i", 7)),
       pf.np_scalar(pf.np_simple_dtype("b1", "|"), b"\x01")]
