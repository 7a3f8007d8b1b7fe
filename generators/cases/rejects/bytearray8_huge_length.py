"""BYTEARRAY8 with a 2**56 length: CPython allocates the bytearray before reading, so MemoryError."""
FEATURES = ["bytearray", "hostile"]
EXPECT = "reject"
ERROR = "limit-exceeded"

DATA = b"\x80\x05\x96\x00\x00\x00\x00\x00\x00\x00\x01."
