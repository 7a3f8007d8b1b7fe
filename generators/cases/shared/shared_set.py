"""The same set twice."""
FEATURES = ["shared", "set"]

s = set([5])
obj = (s, s)
