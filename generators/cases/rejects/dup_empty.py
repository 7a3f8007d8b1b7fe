"""DUP with an empty stack."""
FEATURES = ["stack", "dup"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"2."
