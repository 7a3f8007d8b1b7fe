"""BINBYTES8 with a 2**63 length, over sys.maxsize: OverflowError in C, UnpicklingError in Python."""
FEATURES = ["bytes", "hostile"]
EXPECT = "reject"
ERROR = "limit-exceeded"

DATA = b"\x80\x04\x8e\x00\x00\x00\x00\x00\x00\x00\x80abc."
