"""SHORT_BINBYTES without its length."""
FEATURES = ["truncated", "bytes"]
EXPECT = "reject"
ERROR = "truncated"

DATA = b"\x80\x03C"
