"""A NUL byte where an opcode should be."""
FEATURES = ["unknown-opcode"]
EXPECT = "reject"
ERROR = "unknown-opcode"

DATA = b"\x00."
