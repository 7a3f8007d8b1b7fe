"""FROZENSET of a MARK slice, and an empty one."""
FEATURES = ["frozenset"]

DATA = b"\x80\x04(K\x01(\x91\x91."
