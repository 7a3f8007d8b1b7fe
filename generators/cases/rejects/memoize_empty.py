"""MEMOIZE with an empty stack."""
FEATURES = ["stack", "memo"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x04\x94."
