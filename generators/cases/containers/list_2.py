"""A list of 2 item(s): MARK..APPENDS."""
FEATURES = ["list"]

obj = [1, 2]
