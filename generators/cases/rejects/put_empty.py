"""PUT with an empty stack."""
FEATURES = ["stack", "memo"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"p0\n."
