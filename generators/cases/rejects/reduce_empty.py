"""REDUCE with an empty stack."""
FEATURES = ["stack", "reduce"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"R."
