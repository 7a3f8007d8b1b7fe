"""__builtin__.set(list) at protocol 2 (the way protocols < 4 write sets)."""
FEATURES = ["set", "global-renamed"]

DATA = b"\x80\x02c__builtin__\nset\n]K\x01a\x85R."
