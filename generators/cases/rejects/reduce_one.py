"""REDUCE with only the args."""
FEATURES = ["stack", "reduce"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b")R."
