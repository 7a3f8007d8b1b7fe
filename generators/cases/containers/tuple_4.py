"""A tuple of 4 item(s): MARK..TUPLE at every protocol."""
FEATURES = ["tuple"]

obj = (1, 2, 3, 4,)
