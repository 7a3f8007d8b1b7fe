"""DICT with a list as a key."""
FEATURES = ["dict"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"(]K\x01d."
