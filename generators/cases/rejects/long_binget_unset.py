"""LONG_BINGET of an unset index."""
FEATURES = ["memo"]
EXPECT = "reject"
ERROR = "bad-memo"

DATA = b"]j\xff\x00\x00\x00."
