"""PUT of a MARK."""
FEATURES = ["mark", "memo"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"(p0\n."
