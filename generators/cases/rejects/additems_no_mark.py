"""ADDITEMS with no MARK."""
FEATURES = ["mark", "set"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"\x80\x04\x8fN\x90."
