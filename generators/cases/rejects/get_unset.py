"""GET of a memo index never PUT."""
FEATURES = ["memo"]
EXPECT = "reject"
ERROR = "bad-memo"

DATA = b"g0\n."
