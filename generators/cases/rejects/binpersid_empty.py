"""BINPERSID with an empty stack."""
FEATURES = ["stack", "persistent-id"]
LOAD = {"persistent_load": True}
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"Q."
