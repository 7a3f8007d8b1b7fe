"""An unassigned opcode 0xa0 after PROTO 5."""
FEATURES = ["unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"\x80\x05\xa0."
