"""SETITEM whose value is a MARK."""
FEATURES = ["mark", "dict"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"}N(s."
