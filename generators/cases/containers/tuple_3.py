"""A tuple of 3 item(s): TUPLE3 at protocol 2+."""
FEATURES = ["tuple"]

obj = (1, 2, 3,)
