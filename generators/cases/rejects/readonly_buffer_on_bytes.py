"""READONLY_BUFFER applied to a list (it needs a buffer-like object)."""
FEATURES = ["buffer-oob"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x05]\x98."
