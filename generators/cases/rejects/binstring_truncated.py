"""BINSTRING promising 4 bytes, giving 1."""
FEATURES = ["truncated", "py2-str"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"T\x04\x00\x00\x00a"
