"""MEMOIZE of a MARK."""
FEATURES = ["mark", "memo"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"\x80\x04(\x94."
