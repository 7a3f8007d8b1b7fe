"""STACK_GLOBAL with an empty module name."""
FEATURES = ["global", "unresolved"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"\x80\x04\x8c\x00\x8c\x03len\x93."
