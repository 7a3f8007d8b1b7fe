"""A MARK left on the stack at STOP (ignored by CPython)."""
FEATURES = ["stack", "mark"]

DATA = b"(K\x01."
