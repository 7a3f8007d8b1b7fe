"""FROZENSET with no MARK."""
FEATURES = ["mark", "frozenset"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"\x80\x04N\x91."
