"""A dict that contains itself."""
FEATURES = ["recursive", "dict"]

obj = {}
obj[1] = obj
