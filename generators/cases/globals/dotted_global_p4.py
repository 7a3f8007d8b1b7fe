"""GLOBAL (not STACK_GLOBAL) with a dotted name under PROTO 4: find_class walks the dots."""
FEATURES = ["global", "nested-qualname"]

DATA = b"\x80\x04cpjfixtures\nOuter.Inner\n."
