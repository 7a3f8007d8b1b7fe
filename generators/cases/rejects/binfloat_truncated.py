"""BINFLOAT with 3 of 8 bytes."""
FEATURES = ["truncated", "float"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"G?\xf0\x00"
