"""The same structure dumped from the list."""
FEATURES = ["recursive", "tuple", "list"]

obj = []
t = (obj,)
obj.append(t)
