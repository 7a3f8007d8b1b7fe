"""bytearray: reduce at protocols 0-4 (changed in 3.8), BYTEARRAY8 at 5."""
FEATURES = ["bytearray", "list"]

obj = [bytearray(b"abc"), bytearray(), bytearray(b"\x00\xff")]
