"""A value but no STOP."""
FEATURES = ["truncated"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"N"
