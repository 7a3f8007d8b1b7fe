"""STACK_GLOBAL with one str."""
FEATURES = ["stack", "global"]
EXPECT = "reject"
ERROR = "stack-underflow"

DATA = b"\x80\x04\x8c\x04list\x93."
