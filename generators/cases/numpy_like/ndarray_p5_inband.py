"""Protocol 5 ndarray: numpy.core.numeric._frombuffer(PickleBuffer, dtype, shape, order), in-band."""
FEATURES = ["numpy", "buffer-inband", "reduce"]
PYTHONS = ["3.8+"]
PROTOCOLS = [5]

import struct
import pjfixtures as pf

obj = pf.np_frombuffer(bytearray(struct.pack("<2d", 1.0, 2.0)), pf.np_simple_dtype("f8"), (2,), "C")
