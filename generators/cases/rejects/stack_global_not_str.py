"""STACK_GLOBAL of two ints."""
FEATURES = ["global"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"\x80\x04K\x01K\x02\x93."
