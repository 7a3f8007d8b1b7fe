"""BINUNICODE8 with a 2**40 length."""
FEATURES = ["truncated", "str", "hostile"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04\x8d\x00\x00\x00\x00\x00\x01\x00\x00xyz."
