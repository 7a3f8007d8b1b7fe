"""A Python 2 name read with fix_imports=False."""
FEATURES = ["global", "unresolved", "fix-imports"]
LOAD = {"fix_imports": False}
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"c__builtin__\nxrange\n."
