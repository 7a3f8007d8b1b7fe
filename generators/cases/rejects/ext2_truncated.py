"""EXT2 with one byte."""
FEATURES = ["truncated", "extension"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x02\x83\x01"
