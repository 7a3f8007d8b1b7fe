"""BINUNICODE promising 3 bytes, giving 2."""
FEATURES = ["truncated", "str"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"X\x03\x00\x00\x00ab"
