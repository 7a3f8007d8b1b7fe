"""BYTEARRAY8 promising 100 bytes, giving 3."""
FEATURES = ["truncated", "bytearray"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x05\x96\x64\x00\x00\x00\x00\x00\x00\x00abc."
