"""An unknown opcode inside a frame."""
FEATURES = ["unknown-opcode", "framing"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00\xfe."
