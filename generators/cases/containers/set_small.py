"""A set of three ints."""
FEATURES = ["set"]

obj = set([1, 2, 3])
