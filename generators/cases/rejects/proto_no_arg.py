"""PROTO without its argument byte."""
FEATURES = ["truncated", "proto"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80"
