"""NEXT_BUFFER when no buffers were given."""
FEATURES = ["buffer-oob"]
EXPECT = "reject"
ERROR = "missing-buffer"

DATA = b"\x80\x05\x97."
