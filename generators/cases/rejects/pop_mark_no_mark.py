"""POP_MARK with no MARK."""
FEATURES = ["mark"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"N1."
