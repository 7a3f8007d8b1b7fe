"""A list of 1 item(s): APPEND, not APPENDS."""
FEATURES = ["list"]

obj = [1]
