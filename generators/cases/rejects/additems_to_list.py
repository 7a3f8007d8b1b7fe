"""ADDITEMS onto a list."""
FEATURES = ["set"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x04](K\x01\x90."
