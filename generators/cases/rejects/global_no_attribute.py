"""GLOBAL of a missing attribute of pjfixtures."""
FEATURES = ["global", "unresolved"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"cpjfixtures\nNoSuchName\n."
