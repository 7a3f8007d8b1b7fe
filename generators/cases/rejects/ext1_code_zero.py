"""EXT1 code 0."""
FEATURES = ["extension"]
EXPECT = "reject"
ERROR = "unknown-extension"

DATA = b"\x80\x02\x82\x00."
