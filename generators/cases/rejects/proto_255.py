"""PROTO 255."""
FEATURES = ["proto"]
EXPECT = "reject"
ERROR = "unsupported-protocol"

DATA = b"\x80\xffN."
