"""BUILD whose state is a MARK."""
FEATURES = ["mark"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"](b."
