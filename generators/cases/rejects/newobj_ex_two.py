"""NEWOBJ_EX with two items."""
FEATURES = ["stack", "newobj-ex"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x04)}\x92."
