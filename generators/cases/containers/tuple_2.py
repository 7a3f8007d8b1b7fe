"""A tuple of 2 item(s): TUPLE2 at protocol 2+."""
FEATURES = ["tuple"]

obj = (1, 2,)
