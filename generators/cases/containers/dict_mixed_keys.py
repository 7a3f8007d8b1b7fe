"""A dict keyed by int, float, str, bytes, tuple, None, bool and frozenset."""
FEATURES = ["dict", "str", "bytes", "tuple", "frozenset"]

obj = {1: u"int", 2.5: u"float", u"s": u"str", b"b": u"bytes", (1, 2): u"tuple", None: u"none",
       True: u"bool", frozenset([7]): u"frozenset"}
