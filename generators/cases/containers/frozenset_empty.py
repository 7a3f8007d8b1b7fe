"""The empty frozenset (never anchored in canon)."""
FEATURES = ["frozenset"]

obj = frozenset()
