"""A FRAME inside a frame: the C unpickler accepts it, the Python one raises."""
FEATURES = ["framing", "reader-disagreement"]

import struct
inner = b"K\x01."
outer = b"\x95" + struct.pack("<Q", len(inner)) + inner
DATA = b"\x80\x04\x95" + struct.pack("<Q", len(outer)) + outer
