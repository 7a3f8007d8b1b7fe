"""__builtin__.set under PROTO 3: fix_imports applies only below 3, so no module __builtin__."""
FEATURES = ["global", "unresolved", "fix-imports"]
EXPECT = "reject"
ERROR = "unresolved"

DATA = b"\x80\x03c__builtin__\nset\n."
