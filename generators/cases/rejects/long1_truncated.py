"""LONG1 promising 4 bytes, giving 2."""
FEATURES = ["truncated", "int"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x02\x8a\x04\x01\x02"
