"""A framed protocol-4 list without STOP."""
FEATURES = ["truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04]\x94"
