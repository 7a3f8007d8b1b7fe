"""GLOBAL whose module name is not UTF-8."""
FEATURES = ["global", "bad-utf8"]
EXPECT = "reject"
ERROR = "bad-utf8"

DATA = b"\x80\x03c\xff\nlog\n."
