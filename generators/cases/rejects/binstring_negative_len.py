"""BINSTRING with a negative length (C: truncated; Python: negative byte count)."""
FEATURES = ["py2-str", "truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"T\xff\xff\xff\xff."
