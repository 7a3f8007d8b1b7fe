"""BINUNICODE with an invalid UTF-8 byte."""
FEATURES = ["str", "bad-utf8"]
EXPECT = "reject"
ERROR = "bad-utf8"

DATA = b"X\x01\x00\x00\x00\xff."
