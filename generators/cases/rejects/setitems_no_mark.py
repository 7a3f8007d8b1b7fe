"""SETITEMS with no MARK."""
FEATURES = ["mark", "dict"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"}NNu."
