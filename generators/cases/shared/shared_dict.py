"""The same dict under two keys and in a list."""
FEATURES = ["shared", "dict", "list"]

d = {1: 2}
obj = {u"x": d, u"y": d, u"z": [d]}
