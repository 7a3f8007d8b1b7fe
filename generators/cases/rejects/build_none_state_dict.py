"""BUILD of a dict state onto an int."""
FEATURES = ["instance"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"K\x01}b."
