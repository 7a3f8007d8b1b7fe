"""slice objects."""
FEATURES = ["stdlib", "reduce"]

obj = [slice(1, 10, 2), slice(None, 5)]
