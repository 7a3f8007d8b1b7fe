"""EXT2 with an unregistered code."""
FEATURES = ["extension"]
EXPECT = "reject"
ERROR = "unknown-extension"

DATA = b"\x80\x02\x83\xff\xff."
