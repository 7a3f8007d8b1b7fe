"""DUP of a MARK."""
FEATURES = ["mark", "dup"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"(2."
