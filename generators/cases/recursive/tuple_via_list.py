"""A 1-tuple holding a list that holds the tuple (dumping the tuple: POP + GET)."""
FEATURES = ["recursive", "tuple", "list"]

l = []
obj = (l,)
l.append(obj)
