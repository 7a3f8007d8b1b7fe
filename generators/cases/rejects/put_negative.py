"""PUT with a negative index."""
FEATURES = ["memo"]
EXPECT = "reject"
ERROR = "bad-memo"

DATA = b"Va\np-1\n."
