"""REDUCE of None."""
FEATURES = ["reduce"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"N)R."
