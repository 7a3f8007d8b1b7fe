"""SHORT_BINUNICODE promising 5 bytes."""
FEATURES = ["truncated", "str"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x04\x8c\x05abc"
