"""An ASCII letter that is no opcode (z)."""
FEATURES = ["unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"]z."
