"""A frozenset of mixed scalars."""
FEATURES = ["frozenset", "str"]

obj = frozenset([1, u"a", 2.5, (3,), b"b"])
