"""PROTO 6 (after the highest protocol)."""
FEATURES = ["proto"]
EXPECT = "reject"
ERROR = "unsupported-protocol"

DATA = b"\x80\x06N."
