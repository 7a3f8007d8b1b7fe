"""A list of 3 item(s): MARK..APPENDS."""
FEATURES = ["list"]

obj = [1, 2, 3]
