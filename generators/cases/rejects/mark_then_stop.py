"""MARK directly under STOP: the result would be the MARK."""
FEATURES = ["mark"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"N(."
