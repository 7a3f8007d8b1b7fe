"""BINBYTES promising 10 bytes."""
FEATURES = ["truncated", "bytes"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x03B\x0a\x00\x00\x00abc"
