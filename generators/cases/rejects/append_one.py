"""APPEND with one item (no list)."""
FEATURES = ["stack"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"Na."
