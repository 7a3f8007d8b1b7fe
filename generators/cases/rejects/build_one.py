"""BUILD with one item."""
FEATURES = ["stack"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"Nb."
