"""A list that contains itself."""
FEATURES = ["recursive", "list"]

obj = []
obj.append(obj)
