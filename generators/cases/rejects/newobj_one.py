"""NEWOBJ with one item."""
FEATURES = ["stack", "newobj"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x02)\x81."
