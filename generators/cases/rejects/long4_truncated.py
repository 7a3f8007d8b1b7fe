"""LONG4 length field cut short."""
FEATURES = ["truncated", "int"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x02\x8b\x05\x00"
