"""APPEND onto None."""
FEATURES = ["list"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"NNa."
