"""A 65536-byte bytearray (unframed BYTEARRAY8 at protocol 5)."""
FEATURES = ["bytearray", "large"]

obj = bytearray(b"q" * 65536)
