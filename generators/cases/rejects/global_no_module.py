"""GLOBAL of a module that does not exist."""
FEATURES = ["global", "unresolved"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"cpj_no_such_module\nthing\n."
