"""A dotted name in GLOBAL under PROTO 2: find_class walks dots only at protocol 4+."""
FEATURES = ["global", "unresolved", "nested-qualname"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"\x80\x02cpjfixtures\nOuter.Inner\n."
