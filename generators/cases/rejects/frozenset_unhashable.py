"""FROZENSET of a list."""
FEATURES = ["frozenset"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x04(]\x91."
