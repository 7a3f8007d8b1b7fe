"""BINGET of an unset index."""
FEATURES = ["memo"]
EXPECT = "reject"
ERROR = "bad-memo"

DATA = b"]q\x00h\x01."
