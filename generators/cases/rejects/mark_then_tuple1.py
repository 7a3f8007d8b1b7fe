"""TUPLE1 of a MARK."""
FEATURES = ["mark", "tuple"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"\x80\x02(\x85."
