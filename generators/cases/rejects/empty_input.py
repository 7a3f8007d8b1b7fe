"""Empty input."""
FEATURES = ["truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b""
