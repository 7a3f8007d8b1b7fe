"""POP and POP_MARK discard stack items."""
FEATURES = ["stack", "mark"]

DATA = b"K\x01K\x020(K\x03K\x041."
