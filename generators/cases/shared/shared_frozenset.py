"""The same frozenset in a list and as a dict key."""
FEATURES = ["shared", "frozenset", "dict"]

f = frozenset([1, 2])
obj = [f, {f: f}]
