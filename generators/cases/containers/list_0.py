"""A list of 0 item(s): EMPTY_LIST alone."""
FEATURES = ["list"]

obj = []
