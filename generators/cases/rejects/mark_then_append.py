"""APPEND whose item is a MARK."""
FEATURES = ["mark", "list"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"](a."
