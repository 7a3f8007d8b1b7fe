"""SETITEM onto None."""
FEATURES = ["dict"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"NNNs."
