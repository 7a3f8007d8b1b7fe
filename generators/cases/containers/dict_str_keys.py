"""A dict with str keys in insertion order."""
FEATURES = ["dict", "str"]

obj = {u"zeta": 1, u"alpha": 2, u"mid": 3}
