"""A 2-tuple reached again through a dict value."""
FEATURES = ["recursive", "tuple", "dict"]

d = {}
obj = (d, 5)
d[u"back"] = obj
