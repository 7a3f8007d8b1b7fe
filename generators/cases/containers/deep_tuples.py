"""Tuples nested 100 deep (each memoized after its elements)."""
FEATURES = ["tuple", "deep"]

obj = ()
for i in range(100):
    obj = (i, obj)
