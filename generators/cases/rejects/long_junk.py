"""LONG text that is not a number."""
FEATURES = ["text-number"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"Lxyz\n."
