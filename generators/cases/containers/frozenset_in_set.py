"""frozensets inside a set and a frozenset."""
FEATURES = ["set", "frozenset"]

obj = set([frozenset([1, 2]), frozenset(), frozenset([frozenset([3])])])
