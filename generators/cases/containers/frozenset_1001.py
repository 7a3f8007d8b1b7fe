"""A frozenset of 1001 ints: one MARK..FROZENSET, no batching."""
FEATURES = ["frozenset", "batching"]

obj = frozenset(range(1001))
