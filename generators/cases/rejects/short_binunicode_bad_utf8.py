"""SHORT_BINUNICODE with a truncated UTF-8 sequence."""
FEATURES = ["str", "bad-utf8"]
EXPECT = "reject"
ERROR = "bad-utf8"

DATA = b"\x80\x04\x8c\x02\xe2\x82."
