"""BINGET without its index."""
FEATURES = ["truncated", "memo"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"]h"
