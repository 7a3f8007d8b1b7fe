"""BININT with two of four bytes."""
FEATURES = ["truncated", "int"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x02J\x01\x00"
