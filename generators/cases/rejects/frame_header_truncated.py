"""FRAME with 3 of its 8 length bytes."""
FEATURES = ["truncated", "framing"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04\x95\x05\x00\x00"
