"""EXT1 with a code that is not registered."""
FEATURES = ["extension"]
EXPECT = "reject"
ERROR = "unknown-extension"

DATA = b"\x80\x02\x82\x01."
