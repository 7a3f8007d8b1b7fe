"""INST with no MARK."""
FEATURES = ["mark", "old-style"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"ipjfixtures\nOldPlain\n."
