"""SETITEMS with an odd number of items."""
FEATURES = ["stack", "dict"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"}(K\x01K\x02K\x03u."
