"""LONG4 with a negative byte count."""
FEATURES = ["int"]
EXPECT = "reject"
ERROR = "bad-literal"

DATA = b"\x80\x02\x8b\xff\xff\xff\xff."
