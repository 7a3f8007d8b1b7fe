"""SETITEM with two items."""
FEATURES = ["stack"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"NNs."
