"""A 5-tuple of mixed items (MARK..TUPLE)."""
FEATURES = ["tuple", "str"]

obj = (1, u"two", 3.0, None, (4,))
