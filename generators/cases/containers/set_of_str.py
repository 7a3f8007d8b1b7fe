"""A set of str: iteration order depends on the hash seed (pinned to 0) and version."""
FEATURES = ["set", "str"]

obj = set([u"alpha", u"beta", u"gamma", u"delta", u"epsilon", u"zeta", u"eta", u"theta"])
