"""A frame that ends in the middle of an opcode argument (the rest follows unframed)."""
FEATURES = ["framing", "reader-disagreement"]

import struct
body = b"\x8c\x05hel"
DATA = b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body + b"lo."
