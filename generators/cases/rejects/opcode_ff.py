"""The byte 0xff is no opcode."""
FEATURES = ["unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"\xff"
