"""BININT2 with one of two bytes."""
FEATURES = ["truncated", "int"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"M\x00"
