"""POP with an empty stack."""
FEATURES = ["stack"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"0."
