"""DICT with an odd number of items (a key without a value)."""
FEATURES = ["stack", "dict"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"(K\x01d."
