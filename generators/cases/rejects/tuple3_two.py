"""TUPLE3 with two items."""
FEATURES = ["stack", "tuple"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x02NN\x87."
