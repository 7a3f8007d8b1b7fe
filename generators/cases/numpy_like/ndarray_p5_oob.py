"""Protocol 5 ndarray with its data out-of-band (NEXT_BUFFER)."""
FEATURES = ["numpy", "buffer-oob", "reduce"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]
OOB = True

import struct
import pjfixtures as pf

obj = pf.np_frombuffer(bytearray(struct.pack("<2d", 1.0, 2.0)), pf.np_simple_dtype("f8"), (2,), "C")
