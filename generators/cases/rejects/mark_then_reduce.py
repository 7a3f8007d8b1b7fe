"""REDUCE whose args are a MARK."""
FEATURES = ["mark", "reduce"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"cbuiltins\nlist\n(R."
