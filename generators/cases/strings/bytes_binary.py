"""bytes with every value 0..255 (latin-1 text through _codecs.encode at protocols < 3)."""
FEATURES = ["bytes", "non-ascii"]

obj = bytes(bytearray(range(256)))
