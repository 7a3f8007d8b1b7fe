"""LONG_BINGET with 1 of 4 index bytes."""
FEATURES = ["truncated", "memo"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"]j\x00"
