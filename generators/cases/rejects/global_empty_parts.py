"""GLOBAL with an empty module line (the C unpickler calls it truncated)."""
FEATURES = ["truncated", "global"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"c\nlen\n."
