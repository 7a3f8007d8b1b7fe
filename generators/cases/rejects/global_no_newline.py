"""GLOBAL with the name but no final newline."""
FEATURES = ["truncated", "global"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"cbuiltins\nlen"
