"""A NaN with the sign bit set: the sign survives BINFLOAT, canon drops it."""
FEATURES = ["float"]

import struct
obj = struct.unpack(">d", b"\xff\xf8\x00\x00\x00\x00\x00\x01")[0]
