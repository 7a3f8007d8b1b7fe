"""STACK_GLOBAL of a name string that is not UTF-8 (rejected when the string is read)."""
FEATURES = ["global", "bad-utf8"]
EXPECT = "reject"
ERROR = "bad-utf8"

DATA = b"\x80\x04\x8c\x04math\x8c\x03\xff\xfe\xfd\x93."
