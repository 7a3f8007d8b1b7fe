"""Every empty container together."""
FEATURES = ["list", "dict", "tuple", "set", "frozenset", "bytes", "str"]

obj = [[], {}, (), set(), frozenset(), b"", u"", bytearray()]
