"""OBJ with no MARK."""
FEATURES = ["mark", "old-style"]
EXPECT = "reject"
ERROR = "bad-mark"

DATA = b"cpjfixtures\nOldPlain\no."
