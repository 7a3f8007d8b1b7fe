"""LIST with no MARK."""
FEATURES = ["mark", "list"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"Nl."
