"""A py2 STRING read with encoding="cp1252": byte 0x81 is undefined there."""
FEATURES = ["py2-str", "encoding"]
LOAD = {"encoding": "cp1252"}
EXPECT = "reject"
ERROR = "bad-encoding"

DATA = b"S'a\\x81'\n."
