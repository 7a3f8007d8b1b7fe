"""BININT1 without its byte."""
FEATURES = ["truncated", "int"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"K"
