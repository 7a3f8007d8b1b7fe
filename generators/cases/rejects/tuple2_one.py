"""TUPLE2 with one item."""
FEATURES = ["stack", "tuple"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x02N\x86."
