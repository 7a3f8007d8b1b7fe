"""BINPUT with an empty stack."""
FEATURES = ["stack", "memo"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"q\x00."
