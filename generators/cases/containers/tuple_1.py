"""A tuple of 1 item(s): TUPLE1 at protocol 2+."""
FEATURES = ["tuple"]

obj = (1,)
