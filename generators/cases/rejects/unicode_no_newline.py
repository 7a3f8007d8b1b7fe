"""UNICODE text without its newline."""
FEATURES = ["truncated", "str"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"Vabc"
