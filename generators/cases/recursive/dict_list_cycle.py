"""A dict whose list value contains the dict twice."""
FEATURES = ["recursive", "dict", "list"]

obj = {}
obj[u"l"] = [obj, 1, obj]
