"""A 300-byte Python 2 str: BINSTRING (signed 32-bit length)."""
FEATURES = ["py2-str", "size-edges"]
PYTHONS = ["2.7"]

obj = b"\xfe" * 300
