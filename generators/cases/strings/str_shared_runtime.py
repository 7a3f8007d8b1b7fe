"""Equal str built at run time are distinct objects: written twice, never shared."""
FEATURES = ["str", "list"]

a = u"".join([u"ab", u"c"])
b = u"".join([u"a", u"bc"])
obj = [a, b, a]
