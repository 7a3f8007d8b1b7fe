"""A large str as a dict value between small items."""
FEATURES = ["framing", "large", "str"]
PROTOCOLS = [4, 5]

obj = {u"a": 1, u"big": u"s" * 66000, u"z": 2}
