"""APPENDS onto an int."""
FEATURES = ["list"]
EXPECT = "reject"
ERROR = "bad-argument"

DATA = b"K\x01(K\x02e."
