"""The empty set."""
FEATURES = ["set"]

obj = set()
