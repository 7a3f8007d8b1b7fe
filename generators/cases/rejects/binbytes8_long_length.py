"""BINBYTES8 promising 1000000 bytes, giving 3."""
FEATURES = ["truncated", "bytes"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04\x8e\x40\x42\x0f\x00\x00\x00\x00\x00abc."
