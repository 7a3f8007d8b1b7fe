"""DUP (never written by CPython): K 5, DUP, TUPLE2 gives (5, 5)."""
FEATURES = ["dup", "tuple"]

DATA = b"\x80\x02K\x052\x86."
