"""A set of tuples (sorted by canon text)."""
FEATURES = ["set", "tuple"]

obj = set([(1, 2), (1,), (), (2, u"x")])
