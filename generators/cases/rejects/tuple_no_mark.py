"""TUPLE with no MARK on the stack."""
FEATURES = ["mark", "tuple"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"NNt."
