"""A 4-tuple reached again through a list (MARK form: POP_MARK + GET)."""
FEATURES = ["recursive", "tuple", "list"]

l = []
obj = (1, 2, 3, l)
l.append(obj)
